/**
 * What a pure translator may use instead of I/O: a clock and an id generator, passed in so fixture tests are
 * deterministic.
 */
export interface TranslateContext {
  /** Milliseconds since the epoch. */
  now(): number
  /** A new unique id with the given prefix, e.g. id('chatcmpl-') → 'chatcmpl-abc123…'. */
  id(prefix: string): string
}

/** Server-sent event as a translator produces or consumes it: objects, serialized by one writer. */
export interface SseMessage {
  event?: string
  /** An object is JSON-serialized by the writer; a string is written as is (e.g. "[DONE]"). */
  data: unknown
}

/** A decoded incoming SSE message (eventsource-parser's shape, data still text). */
export interface SseInput {
  event?: string
  data: string
  id?: string
}
