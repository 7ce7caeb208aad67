import type { StreamEvent } from '../../schemas/canonical.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import type { SseInput } from '../../schemas/translate-context.js'
import { createSseSplitter } from './sse-reader.js'

function decodeAll (decoder: UpstreamDecoder, messages: SseInput[], events: StreamEvent[]): void {
  for (const message of messages) {
    for (const e of decoder.push(message)) events.push(e)
  }
}

/**
 * Upstream SSE bytes → batches of canonical events (one batch per upstream chunk that produced any). Splitting and
 * decoding happen in this one generator: a generator layer per stage costs a promise and an iterator result per
 * chunk.
 */
export async function * decodeSseStream (body: AsyncIterable<Uint8Array>, decoder: UpstreamDecoder): AsyncGenerator<StreamEvent[]> {
  const splitter = createSseSplitter()
  for await (const chunk of body) {
    const events: StreamEvent[] = []
    decodeAll(decoder, splitter.feed(chunk), events)
    if (events.length > 0) yield events
  }
  const events: StreamEvent[] = []
  decodeAll(decoder, splitter.end(), events)
  for (const e of decoder.end()) events.push(e)
  if (events.length > 0) yield events
}
