import Anthropic from '@anthropic-ai/sdk'
import { Value } from '@sinclair/typebox/value'
import { ClaudeMessagesRequest } from '../../schemas/anthropic/messages-request.js'
import type { StreamEvent } from '../../schemas/canonical.js'
import type { SseInput, SseMessage, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { readSse } from '../../providers/shared/sse-reader.js'

/** A deterministic context: a fixed clock and counting ids. */
export function fixedContext (now = 1_760_000_000_000): TranslateContext {
  let n = 0
  return { now: () => now, id: (prefix) => `${prefix}test${++n}` }
}

/** Writes SSE messages the way the gateway's writer does: `event:` line, one `data:` line, blank line. */
export function serializeSse (messages: SseMessage[]): string {
  return messages.map((m) => {
    const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data)
    return `${m.event === undefined ? '' : `event: ${m.event}\n`}data: ${data}\n\n`
  }).join('')
}

/** Feeds an SSE text to the official SDK's stream helper and returns its final message. */
export async function sdkFinalMessage (sse: string, params: Partial<Anthropic.MessageStreamParams> = {}): Promise<Anthropic.Message> {
  const fetch = async (): Promise<Response> => new Response(sse, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'request-id': 'req_test' }
  })
  const client = new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1:1', fetch, maxRetries: 0 })
  const stream = client.messages.stream({
    model: 'claude-gateway-test',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'hi' }],
    ...params
  })
  return await stream.finalMessage()
}

async function * chunks (parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

/** Runs bytes, cut into `parts`, through readSse and a decoder. */
export async function decodeChunks (parts: Uint8Array[], decoder: UpstreamDecoder): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  for await (const batch of readSse(chunks(parts))) {
    for (const message of batch) events.push(...decoder.push(message))
  }
  events.push(...decoder.end())
  return events
}

/** Every way to cut `bytes` in two (offsets 0..length), for chunk-boundary tests. */
export function splitsOf (bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = []
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)])
  return out
}

/** SseInput list from an SSE text, for decoder tests that do not need byte splitting. */
export function sseInputs (text: string): SseInput[] {
  return text.split('\n\n').filter((b) => b.trim() !== '').map((block) => {
    const out: SseInput = { data: '' }
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) out.event = line.slice(7)
      else if (line.startsWith('data: ')) out.data = line.slice(6)
    }
    return out
  })
}

/** A fixture checked against the request schema (unknown fields are allowed, so fixtures are written as plain JSON). */
export function claudeBody (value: unknown): ClaudeMessagesRequest {
  if (Value.Check(ClaudeMessagesRequest, value)) return value
  const first = [...Value.Errors(ClaudeMessagesRequest, value)][0]
  throw new Error(`fixture does not match ClaudeMessagesRequest: ${first?.path ?? ''} ${first?.message ?? ''}`)
}

export function catchError (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return undefined
}
