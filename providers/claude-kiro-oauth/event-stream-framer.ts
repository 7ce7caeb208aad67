import { createRequire } from 'node:module'
import { crc32 } from '@aws-crypto/crc32'
import type { EventStreamCodec, MessageHeaders } from '@smithy/eventstream-codec'
import { GatewayError } from '../../plugins/gateway-error.js'

/**
 * AWS event-stream framing for Kiro responses (FORMATS.md §6 "Response framing").
 *
 * The codec decodes and CRC-checks whole frames only, so this file cuts the byte stream into frames by the
 * `total_len` prefix first. The prelude CRC is checked as soon as 12 bytes are in, before trusting the length:
 * a corrupt length must neither make us wait for bytes that never come nor allocate a huge buffer.
 */

/** One decoded frame. `payload` is the JSON-parsed body (the raw text when it is not JSON, undefined when empty). */
export interface KiroFrame {
  /** `:message-type`: 'event', 'exception' or 'error'. */
  messageType: string
  /** `:event-type` ('' when absent). */
  eventType: string
  exceptionType?: string
  errorCode?: string
  errorMessage?: string
  payload: unknown
}

const PRELUDE_LENGTH = 12
/** Prelude (12) + message CRC (4). */
const MIN_FRAME_LENGTH = 16
/** Far above any Kiro frame (a few KiB); a length beyond this is corruption, not data. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024

let codecInstance: EventStreamCodec | undefined

/** The codec (and the @smithy packages behind it) loads on the first Kiro frame, not at gateway start-up. */
function codec (): EventStreamCodec {
  if (codecInstance !== undefined) return codecInstance
  const { EventStreamCodec: Codec } = createRequire(import.meta.url)('@smithy/eventstream-codec') as typeof import('@smithy/eventstream-codec')
  codecInstance = new Codec(
    (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    (text) => new Uint8Array(Buffer.from(text, 'utf8'))
  )
  return codecInstance
}

function corruptFrame (detail: string, cause?: unknown): GatewayError {
  return new GatewayError({
    kind: 'bad_gateway',
    status: 502,
    message: `corrupt event-stream frame from Kiro (${detail})`,
    code: 'upstream_corrupt_stream',
    ...(cause === undefined ? {} : { cause })
  })
}

/** Cuts an arbitrary byte stream into whole frames. Holds chunks in a list so a big frame costs O(n), not O(n²). */
export class EventStreamFramer {
  private chunks: Uint8Array[] = []
  private buffered = 0
  /** Corruption found after good frames in the same chunk: those are returned first, this is thrown next. */
  private failure: unknown

  /** Adds bytes; returns the frames completed by them (possibly none). Throws GatewayError 502 on corruption. */
  push (chunk: Uint8Array): KiroFrame[] {
    if (this.failure !== undefined) throw this.failure
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk)
      this.buffered += chunk.byteLength
    }
    const frames: KiroFrame[] = []
    try {
      while (this.buffered >= PRELUDE_LENGTH) {
        const total = this.checkPrelude(this.peek(PRELUDE_LENGTH))
        if (this.buffered < total) break
        frames.push(decodeFrame(this.take(total)))
      }
    } catch (err) {
      if (frames.length === 0) throw err
      this.failure = err
    }
    return frames
  }

  /** Call at the end of the body: leftover bytes mean the upstream cut a frame short. */
  end (): void {
    if (this.failure !== undefined) throw this.failure
    if (this.buffered > 0) throw corruptFrame(`stream ended inside a frame, ${this.buffered} bytes left over`)
  }

  private checkPrelude (prelude: Uint8Array): number {
    const view = new DataView(prelude.buffer, prelude.byteOffset, prelude.byteLength)
    const total = view.getUint32(0, false)
    const headersLength = view.getUint32(4, false)
    if (crc32(prelude.subarray(0, 8)) !== view.getUint32(8, false)) throw corruptFrame('prelude CRC mismatch')
    if (total < MIN_FRAME_LENGTH || total > MAX_FRAME_LENGTH) throw corruptFrame(`frame length ${total} out of range`)
    if (headersLength > total - MIN_FRAME_LENGTH) throw corruptFrame(`headers length ${headersLength} exceeds the frame`)
    return total
  }

  /** The first n buffered bytes, contiguous, without consuming them. */
  private peek (n: number): Uint8Array {
    const first = this.chunks[0]
    if (first !== undefined && first.byteLength >= n) return first.subarray(0, n)
    return this.collect(n, false)
  }

  /** Removes and returns the first n buffered bytes, contiguous (a view, not a copy, when one chunk holds them). */
  private take (n: number): Uint8Array {
    const first = this.chunks[0]
    if (first === undefined || first.byteLength < n) return this.collect(n, true)
    if (first.byteLength === n) this.chunks.shift()
    else this.chunks[0] = first.subarray(n)
    this.buffered -= n
    return first.subarray(0, n)
  }

  private collect (n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n)
    let filled = 0
    let i = 0
    while (filled < n) {
      const chunk = this.chunks[i]
      if (chunk === undefined) break
      const part = chunk.subarray(0, n - filled)
      out.set(part, filled)
      filled += part.byteLength
      if (consume && part.byteLength < chunk.byteLength) this.chunks[i] = chunk.subarray(part.byteLength)
      else i++
    }
    if (consume) {
      this.chunks.splice(0, i)
      this.buffered -= n
    }
    return out
  }
}

function decodeFrame (frame: Uint8Array): KiroFrame {
  let decoded: { headers: MessageHeaders, body: Uint8Array }
  try {
    decoded = codec().decode(frame)
  } catch (err) {
    const reason = err instanceof Error && /message checksum/i.test(err.message) ? 'message CRC mismatch' : 'undecodable frame'
    throw corruptFrame(reason, err)
  }
  const headers = decoded.headers
  const out: KiroFrame = {
    messageType: headerText(headers, ':message-type') ?? 'event',
    eventType: headerText(headers, ':event-type') ?? '',
    payload: parsePayload(decoded.body)
  }
  const exceptionType = headerText(headers, ':exception-type')
  if (exceptionType !== undefined) out.exceptionType = exceptionType
  const errorCode = headerText(headers, ':error-code')
  if (errorCode !== undefined) out.errorCode = errorCode
  const errorMessage = headerText(headers, ':error-message')
  if (errorMessage !== undefined) out.errorMessage = errorMessage
  return out
}

function headerText (headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name]
  return header !== undefined && header.type === 'string' ? header.value : undefined
}

function parsePayload (body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    // The CRCs passed, so this is what the upstream meant to send; let the decoder judge it.
    return text
  }
}

/** Frames from a response body, one at a time. */
export async function * readEventStream (body: AsyncIterable<Uint8Array>): AsyncGenerator<KiroFrame> {
  for await (const frames of readEventStreamBatches(body)) yield * frames
}

/** Frames from a response body, batched per upstream chunk (keeps per-event overhead low downstream). */
export async function * readEventStreamBatches (body: AsyncIterable<Uint8Array>): AsyncGenerator<KiroFrame[]> {
  const framer = new EventStreamFramer()
  for await (const chunk of body) {
    const frames = framer.push(chunk)
    if (frames.length > 0) yield frames
  }
  framer.end()
}
