import { Readable } from 'node:stream'
import { createParser, type EventSourceParser } from 'eventsource-parser'
import type { StreamEvent, Usage } from '../schemas/canonical.js'
import type { ProtocolReader, StreamEncoder } from '../routes/surface-codec.js'
import type { TranslateContext } from '../schemas/translate-context.js'
import { GatewayError, isGatewayError } from './gateway-error.js'
import { JsonArrayWriter, serializeSseBatch } from './sse-writer.js'
import { StreamAccumulator } from './stream-accumulator.js'
import { ClientAbortError, classifyTransportError } from './upstream-errors.js'

export type Framing = 'sse' | 'json-array'

/** What a stream generator tells the pipeline when it ends. */
export interface StreamReport {
  firstByteAt?: number
  error?: GatewayError
  accumulator?: StreamAccumulator
}

function asGatewayError (err: unknown): GatewayError {
  if (isGatewayError(err)) return err
  const classified = classifyTransportError(err)
  if (isGatewayError(classified)) return classified
  return new GatewayError({ kind: 'bad_gateway', status: 502, message: 'The upstream stream failed', cause: err })
}

/**
 * Canonical events → the surface's wire text. One write per upstream batch. An upstream failure after the headers
 * becomes the protocol's in-stream error; a client abort just stops (the caller aborts the upstream).
 */
export async function * encodeStream (
  events: AsyncIterable<StreamEvent[]>,
  encoder: StreamEncoder,
  framing: Framing,
  report: StreamReport
): AsyncGenerator<string> {
  const array = framing === 'json-array' ? new JsonArrayWriter() : undefined
  const write = (messages: Parameters<typeof serializeSseBatch>[0]): string =>
    array === undefined ? serializeSseBatch(messages) : array.write(messages)
  try {
    for await (const batch of events) {
      let out = ''
      for (const event of batch) {
        report.accumulator?.push(event)
        out += write(encoder.encode(event))
      }
      if (out !== '') {
        report.firstByteAt ??= performance.now()
        yield out
      }
    }
    const tail = write(encoder.end()) + (array?.end() ?? '')
    if (tail !== '') yield tail
  } catch (err) {
    if (err instanceof ClientAbortError) return
    const gatewayError = asGatewayError(err)
    report.error = gatewayError
    yield write(encoder.error(gatewayError)) + (array?.end() ?? '')
  }
}

/**
 * Feeds a copy of passthrough SSE bytes to the protocol's reader, so the prompt log gets the assembled response
 * without touching the bytes the client receives. Only used when an observer wants content.
 */
export class PassthroughTap {
  private readonly parser: EventSourceParser
  private readonly decoder = new TextDecoder()
  readonly accumulator: StreamAccumulator

  /**
   * `usageOnly` decodes just the events that carry token counts (a substring test before any JSON parsing), for
   * metrics and client-key token limits without the cost of assembling the whole response.
   */
  constructor (reader: ProtocolReader, ctx: TranslateContext, usageOnly = false) {
    this.accumulator = new StreamAccumulator(Math.floor(ctx.now() / 1000))
    const upstream = reader.createStreamDecoder(ctx)
    this.parser = createParser({
      onEvent: message => {
        // Token counts ride on usage-bearing events; the end markers release counts a decoder holds until the end.
        if (usageOnly && !message.data.includes('sage') && message.data !== '[DONE]' && message.event !== 'message_stop') return
        const input = message.event === undefined ? { data: message.data } : { event: message.event, data: message.data }
        for (const event of upstream.push(input)) this.accumulator.push(event)
      }
    })
  }

  /** The token counts seen so far, when the upstream reported any. */
  usage (): Usage | undefined {
    const usage = this.accumulator.usage
    return usage.inputTokens > 0 || usage.outputTokens > 0 ? usage : undefined
  }

  feed (chunk: Uint8Array): void {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }))
  }
}

/** What a passthrough relay needs besides the upstream body. */
interface RelayOptions {
  tap: PassthroughTap | undefined
  encoder: StreamEncoder
  framing: Framing
  report: StreamReport
}

/**
 * The protocol's in-stream error for a failure after the headers; undefined when there is nothing to write (a
 * client abort just stops; a JSON array has no error element).
 */
function relayFailure (err: unknown, o: RelayOptions): string | undefined {
  if (err instanceof ClientAbortError) return undefined
  const gatewayError = asGatewayError(err)
  o.report.error = gatewayError
  return o.framing === 'json-array' ? undefined : serializeSseBatch(o.encoder.error(gatewayError))
}

/** Upstream bytes → client, unchanged, optionally tapped. A mid-stream failure appends the protocol's error event. */
async function * relayStream (body: AsyncIterable<Uint8Array>, o: RelayOptions): AsyncGenerator<Uint8Array | string> {
  try {
    for await (const chunk of body) {
      o.tap?.feed(chunk)
      o.report.firstByteAt ??= performance.now()
      yield chunk
    }
  } catch (err) {
    const tail = relayFailure(err, o)
    if (tail !== undefined) yield tail
  }
}

/**
 * The same relay driven by the upstream Readable's own events: no async iterator, promise and generator step per
 * chunk (on a 20-chunk stream those were a large share of the relay's garbage). Backpressure: the upstream pauses
 * while the client's side is full and resumes when it reads again.
 */
class ReadableRelay extends Readable {
  constructor (private readonly body: Readable, o: RelayOptions) {
    super()
    body.on('data', (chunk: Buffer) => {
      o.tap?.feed(chunk)
      o.report.firstByteAt ??= performance.now()
      if (!this.push(chunk)) body.pause()
    })
    body.once('end', () => { this.push(null) })
    body.once('error', err => {
      if (this.destroyed) return
      const tail = relayFailure(err, o)
      if (tail !== undefined) this.push(tail)
      this.push(null)
    })
  }

  override _read (): void {
    this.body.resume()
  }

  override _destroy (err: Error | null, callback: (error?: Error | null) => void): void {
    // The client went away (or the reply ended): release the upstream connection too.
    if (!this.body.destroyed) this.body.destroy()
    callback(err)
  }
}

/** The client-bound stream of a passthrough relay. */
export function relayReadable (body: AsyncIterable<Uint8Array>, o: RelayOptions): Readable {
  return body instanceof Readable ? new ReadableRelay(body, o) : Readable.from(relayStream(body, o), { objectMode: false })
}
