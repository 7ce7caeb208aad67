import type { SseMessage } from '../schemas/translate-context.js'

/** Serializes one SSE message. Data is always one line: JSON.stringify never emits raw newlines. */
export function serializeSse (message: SseMessage): string {
  const data = typeof message.data === 'string' ? message.data : JSON.stringify(message.data)
  return message.event === undefined ? `data: ${data}\n\n` : `event: ${message.event}\ndata: ${data}\n\n`
}

/** Batches a group of messages into one write (one chunk per upstream chunk keeps syscalls low). */
export function serializeSseBatch (messages: readonly SseMessage[]): string {
  let out = ''
  for (const m of messages) out += serializeSse(m)
  return out
}

/**
 * Gemini's stream without alt=sse: one JSON array written incrementally ("[" first element "," … "]").
 * Error and end messages are plain elements too.
 */
export class JsonArrayWriter {
  private started = false

  write (messages: readonly SseMessage[]): string {
    let out = ''
    for (const m of messages) {
      if (typeof m.data === 'string') continue
      out += (this.started ? ',\r\n' : '[') + JSON.stringify(m.data)
      this.started = true
    }
    return out
  }

  end (): string {
    return this.started ? ']' : '[]'
  }
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no'
}

export const JSON_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no'
}
