import type {
  AssistantPart, DocumentPart, ImagePart, MediaSource, TextPart, ToolResultContent, ToolResultPart, UserPart
} from '../../schemas/canonical.js'
import type { ClaudeBlockExtra } from '../../schemas/anthropic/extras.js'
import { parseArguments } from '../../schemas/json-text.js'
import { invalidRequest } from '../../plugins/gateway-error.js'

export type Block = Record<string, unknown>

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; other vendors' ids are mapped the same way on use and result. */
export function toClaudeToolId (id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, '_')
  return clean === '' ? 'toolu_empty' : clean
}

function withCache (block: Block, cacheControl: Record<string, unknown> | undefined): Block {
  return cacheControl === undefined ? block : { ...block, cache_control: cacheControl }
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s

function toMediaSource (source: MediaSource): Block {
  switch (source.kind) {
    case 'base64': return { type: 'base64', media_type: source.mediaType, data: source.data }
    case 'file': return { type: 'file', file_id: source.fileId }
    case 'url': {
      const m = DATA_URL.exec(source.url)
      return m === null ? { type: 'url', url: source.url } : { type: 'base64', media_type: m[1], data: m[2] }
    }
  }
}

function toText (part: TextPart): Block | undefined {
  // Anthropic rejects empty text blocks.
  return part.text === '' ? undefined : withCache({ type: 'text', text: part.text }, part.cacheControl)
}

function toImage (part: ImagePart): Block {
  return withCache({ type: 'image', source: toMediaSource(part.source) }, part.cacheControl)
}

/** Anthropic takes plain text documents only as a `text` source, so base64 text/* files are decoded. */
function toDocument (part: DocumentPart): Block {
  const s = part.source
  let source: Block
  if (s.kind === 'text') source = { type: 'text', media_type: 'text/plain', data: s.data }
  else if (s.kind === 'base64' && s.mediaType.startsWith('text/')) {
    source = { type: 'text', media_type: 'text/plain', data: Buffer.from(s.data, 'base64').toString('utf8') }
  } else source = toMediaSource(s)
  const block: Block = { type: 'document', source }
  if (part.title !== undefined) block.title = part.title
  return withCache(block, part.cacheControl)
}

function toResultContent (part: ToolResultContent): Block | undefined {
  switch (part.type) {
    case 'text': return toText(part)
    case 'image': return toImage(part)
    case 'document': return toDocument(part)
  }
}

/** Restores unmapped blocks and extra fields in a list of converted parts (`blocks[k]` came from part k). */
export function restoreBlocks (blocks: Array<Block | undefined>, extras: ClaudeBlockExtra[]): Block[] {
  const out: Block[] = []
  for (let k = 0; k <= blocks.length; k++) {
    for (const e of extras) if (e.part === k && e.block !== undefined) out.push(e.block)
    const block = blocks[k]
    if (block === undefined) continue
    const patch = extras.find((e) => e.part === k && e.fields !== undefined && e.type === block.type)
    out.push(patch?.fields === undefined ? block : { ...block, ...patch.fields })
  }
  for (const e of extras) if (e.part > blocks.length && e.block !== undefined) out.push(e.block)
  return out
}

function toToolResult (part: ToolResultPart, inner: ClaudeBlockExtra[]): Block {
  const content = restoreBlocks(part.content.map(toResultContent), inner.map((e) => ({ ...e, part: e.inner ?? 0 })))
  const block: Block = { type: 'tool_result', tool_use_id: toClaudeToolId(part.callId) }
  if (content.length > 0) block.content = content
  if (part.isError === true) block.is_error = true
  return block
}

/** A user part → its block. Audio has no Anthropic form: a 400 naming the part rather than a silent drop. */
export function toUserBlock (part: UserPart, path: string, inner: ClaudeBlockExtra[]): Block | undefined {
  switch (part.type) {
    case 'text': return toText(part)
    case 'image': return toImage(part)
    case 'document': return toDocument(part)
    case 'tool_result': return toToolResult(part, inner)
    case 'audio': throw invalidRequest(`${path}: audio input is not supported by Anthropic models`, path)
  }
}

/**
 * An assistant part → its block. Thinking is only sent back with an Anthropic signature (FORMATS.md §7): other
 * vendors' reasoning is dropped, as are assistant images (Anthropic takes none in assistant turns).
 */
export function toAssistantBlock (part: AssistantPart): Block | undefined {
  switch (part.type) {
    case 'text': return toText(part)
    case 'tool_call':
      return { type: 'tool_use', id: toClaudeToolId(part.id), name: part.name, input: parseArguments(part.arguments) }
    case 'reasoning':
      if (part.signatureSource !== 'anthropic') return undefined
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted }
      return part.signature === undefined ? undefined : { type: 'thinking', thinking: part.text, signature: part.signature }
    case 'image': return undefined
  }
}
