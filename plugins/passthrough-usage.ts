import type { ChatResponse, Usage } from '../schemas/canonical.js'
import type { ProtocolReader } from '../routes/surface-codec.js'
import type { TranslateContext } from '../schemas/translate-context.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN = 0x7b
const CLOSE = 0x7d

/**
 * The bytes of the JSON object that starts at `start`, up to its matching brace, or undefined when the body ends
 * first. Works on UTF-8 bytes: JSON's structural characters are ASCII and never occur inside a multi-byte sequence.
 */
function objectEnd (buf: Buffer, start: number): number | undefined {
  let depth = 0
  let inString = false
  for (let i = start; i < buf.length; i++) {
    const b = buf[i]
    if (inString) {
      if (b === BACKSLASH) i++
      else if (b === QUOTE) inString = false
    } else if (b === QUOTE) {
      inString = true
    } else if (b === OPEN) {
      depth++
    } else if (b === CLOSE && --depth === 0) {
      return i + 1
    }
  }
  return undefined
}

const needles = new Map<string, Buffer>()

/** `"key":` as bytes, made once per key (a string needle is converted to bytes on every search). */
function needleOf (key: string): Buffer {
  let needle = needles.get(key)
  if (needle === undefined) {
    needle = Buffer.from(`"${key}":`, 'utf8')
    needles.set(key, needle)
  }
  return needle
}

/**
 * The value of `"key":{…}` in a JSON body, read without parsing the rest. The pattern can only match a real key:
 * inside a JSON string every quote is escaped, so `"usage":` there reads `\"usage\":`. The last occurrence is
 * taken because providers put usage after the content.
 */
export function objectAfterKey (buf: Buffer, key: string): unknown {
  const needle = needleOf(key)
  const at = buf.lastIndexOf(needle)
  if (at < 0) return undefined
  let start = at + needle.length
  while (buf[start] === 0x20 || buf[start] === 0x0a || buf[start] === 0x0d || buf[start] === 0x09) start++
  if (buf[start] !== OPEN) return undefined
  const end = objectEnd(buf, start)
  if (end === undefined) return undefined
  try {
    return JSON.parse(buf.toString('utf8', start, end))
  } catch {
    return undefined
  }
}

/** A non-stream passthrough body decoded whole (the prompt log's content); undefined when it is not one. */
export function decodePassthroughResponse (buf: Buffer, reader: ProtocolReader, ctx: TranslateContext): ChatResponse | undefined {
  try {
    return reader.decodeResponse(JSON.parse(buf.toString('utf8')), ctx)
  } catch {
    return undefined
  }
}

/**
 * Token counts of a non-stream passthrough response, for metrics and client-key limits. Reading only the usage
 * object costs the same whatever the response's size, where parsing and decoding a long answer costs tens of µs;
 * a body the scan cannot read (no usage key, odd formatting) is decoded whole.
 */
export function passthroughUsage (buf: Buffer, reader: ProtocolReader, ctx: TranslateContext): Usage | undefined {
  const raw = objectAfterKey(buf, reader.usageKey)
  return (raw === undefined ? undefined : reader.decodeUsage(raw)) ?? decodePassthroughResponse(buf, reader, ctx)?.usage
}
