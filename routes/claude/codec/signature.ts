import type { SignatureSource } from '../../../schemas/canonical.js'

/**
 * Reasoning signatures on the Claude surface.
 *
 * A thinking block from another vendor (Gemini thoughtSignature, OpenAI encrypted reasoning, Kiro) still needs a
 * `signature` string: SDK types declare it required and clients send blocks back as they got them. Such signatures
 * are emitted as `sb:<source>:<signature>`, which no Anthropic signature can look like (those are base64, no
 * colon), so when the block comes back the decoder restores the vendor and the signature (FORMATS.md §7 allows
 * carrying one in the other's slot). An Anthropic signature is emitted verbatim. Unsigned reasoning gets no
 * `signature` field at all rather than "" (an empty signature is rejected when sent back).
 */
const FOREIGN = /^sb:(gemini|openai|kiro):/

export function wrapSignature (signature: string, source: SignatureSource | undefined): string {
  return source === undefined || source === 'anthropic' ? signature : `sb:${source}:${signature}`
}

export function unwrapSignature (text: string): { signature: string, source: SignatureSource } {
  const m = FOREIGN.exec(text)
  if (m === null) return { signature: text, source: 'anthropic' }
  return { signature: text.slice(m[0].length), source: m[1] as SignatureSource }
}
