import type { AssistantPart, AudioPart, DocumentPart, ImagePart, ReasoningPart } from '../canonical.js'
import type { TranslateContext } from '../translate-context.js'
import { fromThoughtSignature, type DecodedSignature } from './signatures.js'

/**
 * Gemini parts → canonical parts, shared by the surface (history in requests) and the provider (responses).
 *
 * Signature conventions (the inverse is in parts-encode.ts):
 * - a `thought` part → a reasoning part; consecutive unsigned thought parts are one reasoning text (streams
 *   split it arbitrarily), and a signature on a thought part closes (signs) that reasoning;
 * - a `functionCall` part's signature stays on the tool call;
 * - a signature on any other part (Gemini 3 signs the first text part after its thoughts, or sends it on an
 *   empty text part) becomes an empty reasoning part carrying it, placed right before that part, so encoding
 *   puts it back on the same part.
 */

/** The part fields both directions use; the TypeBox `GeminiPart` satisfies it. */
export interface GeminiPartLike {
  text?: string
  thought?: boolean
  thoughtSignature?: string
  inlineData?: { mimeType: string, data: string }
  fileData?: { fileUri: string, mimeType?: string }
  functionCall?: { id?: string, name: string, args?: Record<string, unknown> }
  executableCode?: { language?: string, code: string }
  codeExecutionResult?: { outcome?: string, output?: string }
}

const AUDIO_FORMATS: Record<string, string> = { mpeg: 'mp3', mp3: 'mp3', wav: 'wav', 'x-wav': 'wav', wave: 'wav' }

/** inlineData → image, audio or document (PDF and anything else) by MIME type. */
export function mediaFromInline (blob: { mimeType: string, data: string }): ImagePart | AudioPart | DocumentPart {
  const mediaType = blob.mimeType.toLowerCase()
  if (mediaType.startsWith('image/')) return { type: 'image', source: { kind: 'base64', mediaType, data: blob.data } }
  if (mediaType.startsWith('audio/')) {
    const sub = mediaType.slice('audio/'.length).split(';')[0] ?? ''
    return { type: 'audio', data: blob.data, format: AUDIO_FORMATS[sub] ?? sub }
  }
  return { type: 'document', source: { kind: 'base64', mediaType, data: blob.data } }
}

/** Files-API, Cloud Storage and YouTube URIs are provider-hosted references; other URLs are plain URLs. */
export function isGeminiFileUri (uri: string): boolean {
  return uri.startsWith('gs://') || /^https:\/\/generativelanguage\.googleapis\.com\/[^?#]*\/files\//.test(uri) ||
    /^https:\/\/(www\.)?(youtube\.com|youtu\.be)\//.test(uri)
}

/** fileData → image (image/*) or document, as a file reference or a URL. */
export function mediaFromFile (file: { fileUri: string, mimeType?: string }): ImagePart | DocumentPart {
  const mediaType = file.mimeType?.toLowerCase()
  const source = isGeminiFileUri(file.fileUri)
    ? { kind: 'file' as const, fileId: file.fileUri, ...(mediaType === undefined ? {} : { mediaType }) }
    : { kind: 'url' as const, url: file.fileUri, ...(mediaType === undefined ? {} : { mediaType }) }
  return mediaType?.startsWith('image/') === true ? { type: 'image', source } : { type: 'document', source }
}

/** Code execution parts have no canonical form; they become text so other models still see them. */
export function codePartText (part: GeminiPartLike): string | undefined {
  if (part.executableCode !== undefined) {
    return `\`\`\`${(part.executableCode.language ?? '').toLowerCase().replace('language_unspecified', '')}\n${part.executableCode.code}\n\`\`\``
  }
  if (part.codeExecutionResult !== undefined) {
    const outcome = part.codeExecutionResult.outcome ?? 'OUTCOME_OK'
    return `Code execution result (${outcome}):\n\`\`\`\n${part.codeExecutionResult.output ?? ''}\n\`\`\``
  }
  return undefined
}

function signed (part: ReasoningPart, sig: DecodedSignature): void {
  if (sig.signature !== undefined) part.signature = sig.signature
  if (sig.source !== undefined) part.signatureSource = sig.source
}

/** A reasoning part holding only a signature (or a carried redacted block) for the part that follows. */
function signatureHolder (sig: DecodedSignature): ReasoningPart {
  const holder: ReasoningPart = { type: 'reasoning', text: '' }
  if (sig.redacted !== undefined) holder.redacted = sig.redacted
  signed(holder, sig)
  return holder
}

function appendThought (out: AssistantPart[], text: string, sig: DecodedSignature | undefined): void {
  if (sig?.redacted !== undefined) {
    if (text !== '') out.push({ type: 'reasoning', text })
    out.push(signatureHolder(sig))
    return
  }
  const last = out[out.length - 1]
  const open = last?.type === 'reasoning' && last.signature === undefined && last.redacted === undefined
  const target: ReasoningPart = open ? last : { type: 'reasoning', text: '' }
  target.text += text
  if (!open) out.push(target)
  if (sig !== undefined) signed(target, sig)
}

/** The model's parts (a history turn or a response candidate) as canonical assistant parts. */
export function decodeModelParts (parts: readonly GeminiPartLike[], ctx: TranslateContext): AssistantPart[] {
  const out: AssistantPart[] = []
  for (const part of parts) {
    const sig = part.thoughtSignature === undefined || part.thoughtSignature === ''
      ? undefined
      : fromThoughtSignature(part.thoughtSignature)
    if (part.functionCall !== undefined) {
      const call = part.functionCall
      out.push({
        type: 'tool_call',
        id: call.id !== undefined && call.id !== '' ? call.id : ctx.id('call_'),
        name: call.name,
        arguments: JSON.stringify(call.args ?? {}),
        ...(sig?.signature === undefined ? {} : { signature: sig.signature }),
        ...(sig?.source === undefined ? {} : { signatureSource: sig.source })
      })
      continue
    }
    if (part.thought === true) {
      appendThought(out, part.text ?? '', sig)
      continue
    }
    if (sig !== undefined) out.push(signatureHolder(sig))
    const text = part.text ?? codePartText(part)
    if (text !== undefined) {
      if (text !== '') out.push({ type: 'text', text })
    } else if (part.inlineData !== undefined) {
      const media = mediaFromInline(part.inlineData)
      // Only images have an assistant-side canonical form; generated audio/documents are not representable.
      if (media.type === 'image') out.push(media)
    } else if (part.fileData !== undefined) {
      const media = mediaFromFile(part.fileData)
      if (media.type === 'image') out.push(media)
    }
  }
  return out
}
