import type { SignatureSource } from '../canonical.js'
import { isRecord } from '../json-text.js'

/**
 * Thought signatures across vendors (FORMATS.md §7, thinking). A Gemini signature travels verbatim in
 * `thoughtSignature`. Another vendor's signature (an Anthropic thinking signature, a redacted_thinking blob) is
 * carried in the same slot to a Gemini *client*, wrapped so the gateway recognises it when the client replays the
 * history and restores its real source — it is never sent to a Gemini upstream. The wrapper is valid standard
 * base64 so SDKs that turn the field into bytes and back keep it intact.
 */

const MAGIC = 'sbsig:'
/** base64 of MAGIC (6 bytes → 8 characters, no padding), checked before decoding anything. */
const MAGIC_B64 = Buffer.from(MAGIC).toString('base64')

export interface DecodedSignature {
  signature?: string
  /** Undefined when a carried signature had no known source. */
  source?: SignatureSource
  /** Anthropic redacted_thinking data. */
  redacted?: string
}

const SOURCES = new Set<SignatureSource>(['anthropic', 'gemini', 'openai', 'kiro'])

/** The `thoughtSignature` to show a Gemini client for a canonical signature. */
export function toThoughtSignature (signature: string, source: SignatureSource | undefined): string {
  if (source === 'gemini') return signature
  return wrap({ s: source ?? null, g: signature })
}

/** The `thoughtSignature` that carries an Anthropic redacted_thinking block to a Gemini client. */
export function redactedThoughtSignature (data: string): string {
  return wrap({ s: 'anthropic', r: data })
}

function wrap (payload: Record<string, unknown>): string {
  return Buffer.from(MAGIC + JSON.stringify(payload)).toString('base64')
}

/** Reads a client's `thoughtSignature`: a wrapped foreign one is unwrapped, anything else is Gemini's. */
export function fromThoughtSignature (value: string): DecodedSignature {
  if (!value.startsWith(MAGIC_B64)) return { signature: value, source: 'gemini' }
  const text = Buffer.from(value, 'base64').toString('utf8')
  if (!text.startsWith(MAGIC)) return { signature: value, source: 'gemini' }
  let payload: unknown
  try {
    payload = JSON.parse(text.slice(MAGIC.length))
  } catch {
    return { signature: value, source: 'gemini' }
  }
  if (!isRecord(payload)) return { signature: value, source: 'gemini' }
  const out: DecodedSignature = {}
  if (typeof payload.s === 'string' && SOURCES.has(payload.s as SignatureSource)) out.source = payload.s as SignatureSource
  if (typeof payload.g === 'string') out.signature = payload.g
  if (typeof payload.r === 'string') out.redacted = payload.r
  return out
}
