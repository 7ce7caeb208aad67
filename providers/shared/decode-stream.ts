import type { StreamEvent } from '../../schemas/canonical.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { readSse } from './sse-reader.js'

/** Upstream SSE bytes → batches of canonical events (one batch per upstream chunk that produced any). */
export async function * decodeSseStream (body: AsyncIterable<Uint8Array>, decoder: UpstreamDecoder): AsyncGenerator<StreamEvent[]> {
  for await (const messages of readSse(body)) {
    const events: StreamEvent[] = []
    for (const message of messages) {
      const out = decoder.push(message)
      for (const e of out) events.push(e)
    }
    if (events.length > 0) yield events
  }
  const tail = decoder.end()
  if (tail.length > 0) yield tail
}
