import type { SignatureSource } from '../../../schemas/canonical.js'

/**
 * Reasoning signatures travel to Responses clients in `encrypted_content`, the one opaque slot the protocol has.
 * OpenAI's own content passes verbatim; another vendor's signature (Anthropic thinking, Gemini thought
 * signatures, Anthropic redacted thinking) is tagged with its source so it comes back to the right vendor when the
 * client replays its history, and is never mistaken for OpenAI's. OpenAI content is Fernet (`gAAAA…`), so the
 * tag cannot collide with it.
 */
const PREFIX = 'switchboard:v1:'
const SOURCES = new Set<string>(['anthropic', 'gemini', 'openai', 'kiro'])

export type EncryptedPayload =
  /** A reasoning signature. */
  | { kind: 'reasoning', signature: string, source: SignatureSource }
  /** Anthropic redacted thinking data. */
  | { kind: 'redacted', data: string }
  /** A signature that belongs to the next function call (Gemini 3 thought signatures on functionCall parts). */
  | { kind: 'call', signature: string, source: SignatureSource }

export function toEncryptedContent (payload: EncryptedPayload): string {
  switch (payload.kind) {
    case 'reasoning': return payload.source === 'openai' ? payload.signature : `${PREFIX}${payload.source}:${payload.signature}`
    case 'redacted': return `${PREFIX}redacted:${payload.data}`
    case 'call': return `${PREFIX}call:${payload.source}:${payload.signature}`
  }
}

function isSource (value: string | undefined): value is SignatureSource {
  return value !== undefined && SOURCES.has(value)
}

export function fromEncryptedContent (text: string): EncryptedPayload {
  if (!text.startsWith(PREFIX)) return { kind: 'reasoning', signature: text, source: 'openai' }
  const rest = text.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  const head = colon < 0 ? '' : rest.slice(0, colon)
  const body = rest.slice(colon + 1)
  if (head === 'redacted') return { kind: 'redacted', data: body }
  if (isSource(head)) return { kind: 'reasoning', signature: body, source: head }
  if (head === 'call') {
    const sep = body.indexOf(':')
    const source = sep < 0 ? undefined : body.slice(0, sep)
    if (isSource(source)) return { kind: 'call', signature: body.slice(sep + 1), source }
  }
  // Not one of ours after all: keep it opaque.
  return { kind: 'reasoning', signature: text, source: 'openai' }
}
