import type {
  AssistantPart, DocumentPart, ImagePart, MediaSource, TextPart, ToolResultContent, ToolResultPart, UserPart
} from '../../../schemas/canonical.js'
import type {
  ClaudeDocumentBlock, ClaudeImageBlock, ClaudeTextBlock, ClaudeToolResultBlock, ClaudeToolResultContentBlock
} from '../../../schemas/anthropic/content-blocks.js'
import { isKnownBlock } from '../../../schemas/anthropic/content-blocks.js'
import { leftoverFields, type ClaudeBlockExtra } from '../../../schemas/anthropic/extras.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

/** Where a block sits, for error messages and for the extras that remember unmapped data. */
export interface BlockPlace {
  message: number
  part: number
  /** e.g. "messages[2].content[0]" */
  path: string
  extras: ClaudeBlockExtra[]
}

type CacheControl = Record<string, unknown> | null | undefined

function withCache<T extends object> (part: T, cacheControl: CacheControl): T & { cacheControl?: Record<string, unknown> } {
  return cacheControl === undefined || cacheControl === null ? part : { ...part, cacheControl }
}

/** Keeps the fields a block has beyond what its canonical part holds. */
export function keepLeftovers (block: Record<string, unknown>, known: readonly string[], place: BlockPlace, inner?: number): void {
  const fields = leftoverFields(block, known)
  if (fields === undefined) return
  const type = typeof block.type === 'string' ? block.type : 'unknown'
  place.extras.push({ message: place.message, part: place.part, ...(inner === undefined ? {} : { inner }), type, fields })
}

export function decodeText (block: ClaudeTextBlock): TextPart {
  return withCache({ type: 'text', text: block.text }, block.cache_control)
}

type MediaBlockSource = ClaudeImageBlock['source']

function decodeMediaSource (source: MediaBlockSource): MediaSource {
  switch (source.type) {
    case 'base64': return { kind: 'base64', mediaType: source.media_type, data: source.data }
    case 'url': return { kind: 'url', url: source.url }
    case 'file': return { kind: 'file', fileId: source.file_id }
  }
}

export function decodeImage (block: ClaudeImageBlock): ImagePart {
  return withCache({ type: 'image', source: decodeMediaSource(block.source) }, block.cache_control)
}

/** A document whose source is a list of content blocks has no canonical form; it travels as an unmapped block. */
export function isContentDocument (block: { type: string, source?: unknown }): boolean {
  return block.type === 'document' && typeof block.source === 'object' && block.source !== null &&
    (block.source as { type?: unknown }).type === 'content'
}

export function decodeDocument (block: ClaudeDocumentBlock, path: string): DocumentPart {
  const source = block.source
  let decoded: DocumentPart['source']
  if (source.type === 'text') decoded = { kind: 'text', mediaType: source.media_type, data: source.data }
  else if (source.type === 'content') throw invalidRequest(`${path}.source: content documents cannot be translated`, `${path}.source`)
  else decoded = decodeMediaSource(source)
  const part: DocumentPart = { type: 'document', source: decoded }
  if (typeof block.title === 'string') part.title = block.title
  return withCache(part, block.cache_control)
}

const RESULT_KNOWN: Record<string, readonly string[]> = {
  text: ['type', 'text', 'cache_control'],
  image: ['type', 'source', 'cache_control'],
  document: ['type', 'source', 'title', 'cache_control']
}

function decodeResultContent (block: ClaudeToolResultBlock, place: BlockPlace): ToolResultContent[] {
  if (block.content === undefined) return []
  if (typeof block.content === 'string') return [{ type: 'text', text: block.content }]
  const out: ToolResultContent[] = []
  block.content.forEach((item: ClaudeToolResultContentBlock, i) => {
    const path = `${place.path}.content[${i}]`
    if (!isKnownBlock(item) || isContentDocument(item)) {
      place.extras.push({ message: place.message, part: place.part, inner: out.length, block: item })
      return
    }
    keepLeftovers(item, RESULT_KNOWN[item.type] ?? ['type'], place, out.length)
    if (item.type === 'text') out.push(decodeText(item))
    else if (item.type === 'image') out.push(decodeImage(item))
    else if (item.type === 'document') out.push(decodeDocument(item, path))
    else throw invalidRequest(`${path}: ${item.type} blocks are not allowed in tool_result content`, path)
  })
  return out
}

export function decodeToolResult (block: ClaudeToolResultBlock, place: BlockPlace, toolNames: Map<string, string>): ToolResultPart {
  const part: ToolResultPart = { type: 'tool_result', callId: block.tool_use_id, content: decodeResultContent(block, place) }
  const name = toolNames.get(block.tool_use_id)
  if (name !== undefined) part.name = name
  if (block.is_error === true) part.isError = true
  return part
}

export type DecodedPart = UserPart | AssistantPart
