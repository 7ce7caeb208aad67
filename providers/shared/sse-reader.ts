import { createParser } from 'eventsource-parser'
import type { SseInput } from '../../schemas/translate-context.js'

/**
 * Turns an upstream byte stream into SSE messages. eventsource-parser buffers across chunk boundaries (mid-line,
 * mid-event); the streaming TextDecoder keeps multi-byte UTF-8 characters split between chunks intact. Messages
 * are yielded per chunk in batches, so the consumer's backpressure reaches the socket.
 */
export async function * readSse (body: AsyncIterable<Uint8Array>): AsyncGenerator<SseInput[]> {
  const decoder = new TextDecoder('utf-8')
  let batch: SseInput[] = []
  const parser = createParser({
    onEvent (message) {
      const out: SseInput = { data: message.data }
      if (message.event !== undefined) out.event = message.event
      if (message.id !== undefined) out.id = message.id
      batch.push(out)
    }
  })
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }))
    if (batch.length > 0) {
      const ready = batch
      batch = []
      yield ready
    }
  }
  // A final event without its blank line still counts (some upstreams close right after the last data line).
  parser.feed(decoder.decode() + '\n\n')
  if (batch.length > 0) yield batch
}
