import type { AssistantPart, ImagePart, SignatureSource } from '../canonical.js'
import { parseArguments } from '../json-text.js'
import type { GeminiOutPart } from './generate-response.js'
import { redactedThoughtSignature, toThoughtSignature } from './signatures.js'

/**
 * Canonical assistant parts → Gemini model parts (the inverse of parts-decode.ts), shared by the surface (responses
 * to clients) and the provider (history sent upstream).
 *
 * - `client`: every signature is kept; another vendor's is wrapped (signatures.ts) so it survives the round trip.
 * - `upstream`: only Gemini's own signatures are sent; reasoning without one is dropped (Gemini ignores thought
 *   text in history, and another vendor's reasoning is not Gemini's thought).
 * An empty reasoning part with a signature signs the part that follows it.
 */
export type SignaturePolicy = 'client' | 'upstream'

export interface EncodePartsOptions {
  policy: SignaturePolicy
  /** Renders an image (inlineData or fileData); the provider substitutes downloaded URL images here. */
  image: (part: ImagePart) => GeminiOutPart
}

class PartWriter {
  readonly parts: GeminiOutPart[] = []
  private pending: string | undefined

  /** Holds a signature for the next part. */
  hold (signature: string): void {
    this.flush()
    this.pending = signature
  }

  push (part: GeminiOutPart): void {
    if (this.pending !== undefined) {
      if (part.thoughtSignature === undefined) part.thoughtSignature = this.pending
      else this.parts.push({ text: '', thoughtSignature: this.pending })
      this.pending = undefined
    }
    this.parts.push(part)
  }

  /** A held signature with nothing after it goes on an empty text part, as Gemini itself sends it. */
  flush (): void {
    if (this.pending !== undefined) this.parts.push({ text: '', thoughtSignature: this.pending })
    this.pending = undefined
  }
}

export function encodeModelParts (content: readonly AssistantPart[], opts: EncodePartsOptions): GeminiOutPart[] {
  const writer = new PartWriter()
  const signatureFor = (signature: string | undefined, source: SignatureSource | undefined): string | undefined => {
    if (signature === undefined || signature === '') return undefined
    if (opts.policy === 'client') return toThoughtSignature(signature, source)
    return source === 'gemini' ? signature : undefined
  }
  for (const part of content) {
    switch (part.type) {
      case 'reasoning': {
        if (part.redacted !== undefined) {
          if (opts.policy === 'client') writer.push({ text: '', thought: true, thoughtSignature: redactedThoughtSignature(part.redacted) })
          break
        }
        const signature = signatureFor(part.signature, part.signatureSource)
        if (part.text === '') {
          if (signature !== undefined) writer.hold(signature)
        } else if (opts.policy === 'client' || signature !== undefined) {
          writer.push({ text: part.text, thought: true, ...(signature === undefined ? {} : { thoughtSignature: signature }) })
        }
        break
      }
      case 'text':
        writer.push({ text: part.text })
        break
      case 'tool_call': {
        const signature = signatureFor(part.signature, part.signatureSource)
        writer.push({
          functionCall: { id: part.id, name: part.name, args: parseArguments(part.arguments) },
          ...(signature === undefined ? {} : { thoughtSignature: signature })
        })
        break
      }
      case 'image':
        writer.push(opts.image(part))
        break
    }
  }
  writer.flush()
  return writer.parts
}

/** The default image rendering: base64 → inlineData, URL or file reference → fileData. */
export function imageToGeminiPart (part: ImagePart): GeminiOutPart {
  const source = part.source
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } }
  const inline = source.kind === 'url' ? parseDataUrl(source.url) : undefined
  if (inline !== undefined) return { inlineData: inline }
  const fileUri = source.kind === 'url' ? source.url : source.fileId
  return { fileData: { fileUri, ...(source.mediaType === undefined ? {} : { mimeType: source.mediaType }) } }
}

/** `data:<mime>;base64,<data>` → inlineData fields (URL-sourced images sometimes are data URLs). */
export function parseDataUrl (url: string): { mimeType: string, data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url)
  if (match === null) return undefined
  return { mimeType: match[1] ?? 'application/octet-stream', data: match[2] ?? '' }
}
