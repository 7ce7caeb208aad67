import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { JsonArrayWriter } from '../../plugins/sse-writer.js'
import { createGeminiStreamDecoder } from '../gemini-custom/stream.js'
import { readSse } from '../shared/sse-reader.js'
import { unwrapCodeAssistResponse } from './wrap.js'

/**
 * Code Assist streams `data: {"response":{…Gemini chunk…},"traceId":"…"}` (FORMATS.md §5). Each message is
 * unwrapped on its own, after the SSE reader has reassembled it across chunk boundaries, so a split anywhere in
 * the bytes is harmless. Messages that are not JSON are left as they are for the consumer to report.
 */

/** One message's data → the plain Gemini chunk (or the unchanged value when it is no envelope, e.g. an error). */
function unwrapData (data: string): { value: unknown } | undefined {
  try {
    return { value: unwrapCodeAssistResponse(JSON.parse(data)) }
  } catch {
    return undefined
  }
}

/** Translated path: unwrap, then the Gemini decoder does the rest. */
export function createCodeAssistStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  const inner = createGeminiStreamDecoder(ctx)
  return {
    push (message: SseInput) {
      const unwrapped = unwrapData(message.data)
      return inner.push(unwrapped === undefined ? message : { ...message, data: JSON.stringify(unwrapped.value) })
    },
    end: () => inner.end()
  }
}

const NOT_JSON = { error: { code: 502, message: 'The Code Assist upstream sent a stream chunk that is not JSON', status: 'UNAVAILABLE' } }

export type GeminiFraming = 'sse' | 'json-array'

/**
 * Passthrough: the upstream SSE re-emitted as the Gemini API streams it, `data: <chunk>\r\n\r\n` per message, or
 * one JSON array when the client asked without alt=sse. One write per upstream batch.
 */
export async function * unwrapCodeAssistStream (body: AsyncIterable<Uint8Array>, framing: GeminiFraming): AsyncGenerator<Uint8Array> {
  const array = framing === 'json-array' ? new JsonArrayWriter() : undefined
  for await (const messages of readSse(body)) {
    let out = ''
    for (const message of messages) {
      if (message.data.trim() === '') continue
      // A chunk that is not JSON cannot be relayed as Gemini; the client gets Gemini's own error chunk instead.
      const chunk = unwrapData(message.data)?.value ?? NOT_JSON
      out += array === undefined ? `data: ${JSON.stringify(chunk)}\r\n\r\n` : array.write([{ data: chunk }])
    }
    if (out !== '') yield Buffer.from(out, 'utf8')
  }
  if (array !== undefined) yield Buffer.from(array.end(), 'utf8')
}
