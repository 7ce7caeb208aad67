import { createParser } from 'eventsource-parser'
import type { SseInput } from '../../schemas/translate-context.js'

export interface SseSplitter {
  /** The messages an upstream chunk completed (possibly none). */
  feed(chunk: Uint8Array): SseInput[]
  /** What is left at the end of the body. */
  end(): SseInput[]
}

/**
 * Upstream bytes → SSE messages, synchronously, chunk by chunk. eventsource-parser buffers across chunk boundaries
 * (mid-line, mid-event); the streaming TextDecoder keeps multi-byte UTF-8 characters split between chunks intact.
 */
export function createSseSplitter (): SseSplitter {
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
  const take = (): SseInput[] => {
    const ready = batch
    batch = []
    return ready
  }
  return {
    feed (chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }))
      return take()
    },
    end () {
      // A final event without its blank line still counts (some upstreams close right after the last data line).
      parser.feed(decoder.decode() + '\n\n')
      return take()
    }
  }
}

/** SSE messages in batches, one per upstream chunk that completed any, so backpressure reaches the socket. */
export async function * readSse (body: AsyncIterable<Uint8Array>): AsyncGenerator<SseInput[]> {
  const splitter = createSseSplitter()
  for await (const chunk of body) {
    const messages = splitter.feed(chunk)
    if (messages.length > 0) yield messages
  }
  const tail = splitter.end()
  if (tail.length > 0) yield tail
}
