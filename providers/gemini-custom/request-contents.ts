import type { AudioPart, DocumentPart, ImagePart, MediaSource, Message, ToolResultContent, ToolResultPart, UserPart } from '../../schemas/canonical.js'
import type { GeminiOutPart } from '../../schemas/gemini/generate-response.js'
import { isGeminiFileUri } from '../../schemas/gemini/parts-decode.js'
import { encodeModelParts, parseDataUrl } from '../../schemas/gemini/parts-encode.js'
import { invalidRequest } from '../../plugins/gateway-error.js'

/** Downloaded media for http(s) URLs Gemini cannot fetch itself, keyed by URL (see `remoteMediaUrls`). */
export type ResolvedMedia = ReadonlyMap<string, { mimeType: string, data: string }>

export interface GeminiContentOut { role: 'user' | 'model', parts: GeminiOutPart[] }

/** Gemini 3 accepts this in place of a thought signature it did not issue (FORMATS.md §4). */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator'

const AUDIO_MIME: Record<string, string> = { mp3: 'audio/mp3', wav: 'audio/wav' }

/** A URL Gemini cannot read from `fileData` (only Files-API, gs:// and YouTube URIs work there). */
export function isRemoteMediaUrl (url: string): boolean {
  return /^https?:\/\//i.test(url) && !isGeminiFileUri(url)
}

function mediaPart (source: MediaSource, media: ResolvedMedia): GeminiOutPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } }
  if (source.kind === 'file') return { fileData: { fileUri: source.fileId, ...(source.mediaType === undefined ? {} : { mimeType: source.mediaType }) } }
  const inline = parseDataUrl(source.url) ?? media.get(source.url)
  if (inline !== undefined) return { inlineData: inline }
  // Not downloaded by the provider: left to the upstream, which rejects what it cannot fetch.
  return { fileData: { fileUri: source.url, ...(source.mediaType === undefined ? {} : { mimeType: source.mediaType }) } }
}

function userMediaPart (part: ImagePart | DocumentPart | AudioPart, media: ResolvedMedia): GeminiOutPart {
  if (part.type === 'audio') return { inlineData: { mimeType: AUDIO_MIME[part.format] ?? `audio/${part.format}`, data: part.data } }
  if (part.source.kind === 'text') return { text: part.source.data }
  return mediaPart(part.source, media)
}

function toolResultParts (part: ToolResultPart, names: ReadonlyMap<string, string>, media: ResolvedMedia): GeminiOutPart[] {
  const name = part.name ?? names.get(part.callId)
  if (name === undefined) throw invalidRequest(`tool result ${part.callId} does not answer any earlier tool call`, 'messages')
  const text = part.content.filter(c => c.type === 'text').map(c => c.text).join('\n')
  const response = part.isError === true ? { error: text } : { output: text }
  // Images and documents a tool returned follow its functionResponse in the same user turn.
  const extra = part.content.filter(c => c.type !== 'text').map(c => userMediaPart(c, media))
  return [{ functionResponse: { id: part.callId, name, response } }, ...extra]
}

function userParts (content: readonly UserPart[], names: ReadonlyMap<string, string>, media: ResolvedMedia): GeminiOutPart[] {
  return content.flatMap((part): GeminiOutPart[] => {
    switch (part.type) {
      case 'text': return [{ text: part.text }]
      case 'tool_result': return toolResultParts(part, names, media)
      default: return [userMediaPart(part, media)]
    }
  })
}

/** Gemini 3 rejects a replayed function call turn whose first call has no signature. */
function addSentinel (parts: GeminiOutPart[]): void {
  const first = parts.find(p => p.functionCall !== undefined)
  if (first !== undefined && first.thoughtSignature === undefined) first.thoughtSignature = SKIP_SIGNATURE
}

/**
 * Canonical messages → Gemini contents: user/model roles, adjacent same-role turns merged, tool results as
 * functionResponse parts named after the call they answer, only Gemini's own thought signatures sent.
 */
export function toGeminiContents (messages: readonly Message[], model: string, media: ResolvedMedia): GeminiContentOut[] {
  const names = new Map<string, string>()
  for (const message of messages) {
    if (message.role === 'assistant') for (const part of message.content) if (part.type === 'tool_call') names.set(part.id, part.name)
  }
  const image = (part: ImagePart): GeminiOutPart => mediaPart(part.source, media)
  const contents: GeminiContentOut[] = []
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'model' : 'user'
    const parts = message.role === 'assistant'
      ? encodeModelParts(message.content, { policy: 'upstream', image })
      : userParts(message.content, names, media)
    if (parts.length === 0) continue
    const last = contents[contents.length - 1]
    if (last?.role === role) last.parts.push(...parts)
    else contents.push({ role, parts })
  }
  if (/gemini-3/.test(model)) for (const c of contents) if (c.role === 'model') addSentinel(c.parts)
  return contents
}

/** The http(s) media URLs in a request that the provider must download and pass to `toGeminiRequest`. */
export function remoteMediaUrls (messages: readonly Message[]): string[] {
  const urls = new Set<string>()
  const visit = (part: Message['content'][number] | ToolResultContent): void => {
    if ((part.type === 'image' || part.type === 'document') && part.source.kind === 'url' && isRemoteMediaUrl(part.source.url)) {
      urls.add(part.source.url)
    }
  }
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type === 'tool_result') part.content.forEach(visit)
      else visit(part)
    }
  }
  return [...urls]
}
