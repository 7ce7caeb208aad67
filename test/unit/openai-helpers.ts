import OpenAI from 'openai'
import type { StreamEvent } from '../../schemas/canonical.js'
import type { SseInput, SseMessage, TranslateContext } from '../../schemas/translate-context.js'
import type { StreamEncoder, UpstreamDecoder } from '../../routes/surface-codec.js'
import { readSse } from '../../providers/shared/sse-reader.js'

/** Deterministic clock (2024-11-23T22:13:20Z) and counter ids. */
export function fixedContext (): TranslateContext {
  let n = 0
  return { now: () => 1732400000000, id: (prefix) => `${prefix}${String(++n).padStart(4, '0')}` }
}

/** The wire text of SSE messages, as the gateway's writer serializes them. */
export function sseText (messages: readonly SseMessage[]): string {
  let out = ''
  for (const m of messages) {
    const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data)
    out += m.event === undefined ? `data: ${data}\n\n` : `event: ${m.event}\ndata: ${data}\n\n`
  }
  return out
}

/** Runs a whole canonical event list through an encoder, end() included. */
export function encodeAll (encoder: StreamEncoder, events: readonly StreamEvent[]): SseMessage[] {
  const out: SseMessage[] = []
  for (const e of events) out.push(...encoder.encode(e))
  out.push(...encoder.end())
  return out
}

async function * chunks (parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p
}

/** Feeds bytes (split into the given chunks) through the real SSE reader and a decoder. */
export async function decodeChunks (decoder: UpstreamDecoder, parts: readonly Uint8Array[]): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  for await (const batch of readSse(chunks(parts))) {
    for (const message of batch) events.push(...decoder.push(message))
  }
  events.push(...decoder.end())
  return events
}

/** The input split in two at `offset`. */
export function splitAt (bytes: Uint8Array, offset: number): Uint8Array[] {
  return [bytes.subarray(0, offset), bytes.subarray(offset)]
}

export function messagesOf (text: string): SseInput[] {
  const out: SseInput[] = []
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
    if (data !== '') out.push({ data })
  }
  return out
}

/** An OpenAI SDK client whose every request is answered with the given SSE text. */
export function sdkClientFor (sse: string): OpenAI {
  const fetch = async (): Promise<Response> => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  return new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1:1/v1', fetch, maxRetries: 0 })
}
