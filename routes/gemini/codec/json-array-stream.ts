import type { SseMessage } from '../../../schemas/translate-context.js'

/**
 * `:streamGenerateContent` without `alt=sse` answers one JSON array, written incrementally: `[` + chunk +
 * `,\r\n` + chunk … + `]`, content-type application/json. The route asks the same stream encoder for messages
 * and writes them through this framer instead of the SSE writer:
 *
 *   const framer = createJsonArrayFramer()
 *   for each batch of encoder messages: reply.raw.write(framer.frame(messages))
 *   at the end (after encoder.end() or encoder.error(err)): reply.raw.write(framer.close())
 *
 * An error after the array started is one more element (`{"error":{…}}`), as Google sends it.
 */
export interface JsonArrayFramer {
  /** Text for these messages (the opening bracket comes with the first element). */
  frame(messages: readonly SseMessage[]): string
  /** The closing bracket (`[]` when nothing was framed). */
  close(): string
}

export function createJsonArrayFramer (): JsonArrayFramer {
  let opened = false
  return {
    frame (messages: readonly SseMessage[]): string {
      let out = ''
      for (const message of messages) {
        const json = typeof message.data === 'string' ? message.data : JSON.stringify(message.data)
        out += (opened ? ',\r\n' : '[') + json
        opened = true
      }
      return out
    },
    close (): string {
      return opened ? ']' : '[]'
    }
  }
}
