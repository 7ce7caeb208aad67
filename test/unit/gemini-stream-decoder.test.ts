import t, { type Test } from 'tap'
import type { StreamEvent } from '../../schemas/canonical.js'
import { createGeminiStreamDecoder } from '../../providers/gemini-custom/stream.js'
import { readSse } from '../../providers/shared/sse-reader.js'
import { unwrapCodeAssistResponse } from '../../providers/gemini-cli-oauth/wrap.js'
import type { GeminiGenerateResponse } from '../../schemas/gemini/generate-response.js'
import { fixedContext } from './gemini-helpers.js'

/** Runs upstream bytes, cut into the given pieces, through the shared SSE reader and the decoder. */
async function decode (pieces: readonly Uint8Array[], unwrap = false): Promise<StreamEvent[]> {
  const decoder = createGeminiStreamDecoder(fixedContext())
  const events: StreamEvent[] = []
  async function * body (): AsyncGenerator<Uint8Array> { for (const p of pieces) yield p }
  for await (const batch of readSse(body())) {
    for (const message of batch) {
      const data = unwrap ? JSON.stringify(unwrapCodeAssistResponse(JSON.parse(message.data))) : message.data
      events.push(...decoder.push({ ...message, data }))
    }
  }
  events.push(...decoder.end())
  return events
}

/** Every way of cutting the bytes in two, plus one byte at a time. */
async function checkEverySplit (t: Test, wire: string, expected: StreamEvent[], unwrap = false): Promise<void> {
  const bytes = Buffer.from(wire, 'utf8')
  t.same(await decode([bytes], unwrap), expected, 'whole')
  let failures = 0
  for (let i = 1; i < bytes.length; i++) {
    const got = await decode([bytes.subarray(0, i), bytes.subarray(i)], unwrap)
    if (JSON.stringify(got) !== JSON.stringify(expected)) failures++
  }
  t.equal(failures, 0, `all ${bytes.length - 1} two-piece splits decode the same`)
  t.same(await decode([...bytes].map(b => Uint8Array.of(b)), unwrap), expected, 'byte by byte')
}

// A realistic Gemini 2.5 tool-calling stream (CRLF framing as Google sends it, multi-byte UTF-8 text and args).
const chunks = [
  { candidates: [{ content: { parts: [{ text: '**Considering** the weather ☁️', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 40, totalTokenCount: 40 }, modelVersion: 'gemini-2.5-flash', responseId: 'Ab12' },
  { candidates: [{ content: { parts: [{ text: 'It is 12°C in 東京' }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 6, totalTokenCount: 76, thoughtsTokenCount: 30 }, modelVersion: 'gemini-2.5-flash', responseId: 'Ab12' },
  { candidates: [{ content: { parts: [{ functionCall: { name: 'get_weather', args: { city: 'Tōkyō 🌧' } }, thoughtSignature: 'CpUBAb==' }, { functionCall: { name: 'get_time', args: {} } }], role: 'model' }, index: 0 }], modelVersion: 'gemini-2.5-flash', responseId: 'Ab12' },
  { candidates: [{ content: { parts: [{ text: '' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 82, thoughtsTokenCount: 30 }, modelVersion: 'gemini-2.5-flash', responseId: 'Ab12' }
]

const expected: StreamEvent[] = [
  { type: 'start', id: 'Ab12', model: 'gemini-2.5-flash', usage: { inputTokens: 40 } },
  { type: 'reasoning_delta', text: '**Considering** the weather ☁️' },
  { type: 'text_delta', text: 'It is 12°C in 東京' },
  { type: 'tool_call_start', index: 0, id: 'call_1', name: 'get_weather', signature: 'CpUBAb==', signatureSource: 'gemini' },
  { type: 'tool_call_delta', index: 0, arguments: '{"city":"Tōkyō 🌧"}' },
  { type: 'tool_call_start', index: 1, id: 'call_2', name: 'get_time' },
  { type: 'tool_call_delta', index: 1, arguments: '{}' },
  { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 40, outputTokens: 42, reasoningTokens: 30 } }
]

t.test('CRLF-framed stream split at every byte offset', async t => {
  await checkEverySplit(t, chunks.map(c => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''), expected)
})

t.test('LF framing and a final event without its blank line', async t => {
  const wire = chunks.map(c => `data: ${JSON.stringify(c)}`).join('\n\n')
  t.same(await decode([Buffer.from(wire)]), expected)
})

t.test('Code Assist chunks unwrap to the same events (traceId as the id)', async t => {
  const wire = chunks.map(c => {
    const { responseId: _id, ...response } = c
    return `data: ${JSON.stringify({ response, traceId: 'trace-9' })}\r\n\r\n`
  }).join('')
  const unwrapped = structuredClone(expected)
  const start = unwrapped[0]
  if (start?.type === 'start') start.id = 'trace-9'
  await checkEverySplit(t, wire, unwrapped, true)
})

t.test('Gemini 3: signature on the last empty text part, text after thoughts', async t => {
  const wire = [
    { candidates: [{ content: { parts: [{ text: 'Plan.', thought: true }], role: 'model' }, index: 0 }], modelVersion: 'gemini-3-pro-preview', responseId: 'g3' },
    { candidates: [{ content: { parts: [{ text: 'Answer' }], role: 'model' }, index: 0 }], modelVersion: 'gemini-3-pro-preview', responseId: 'g3' },
    { candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'RW5kU2ln' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1, thoughtsTokenCount: 9, totalTokenCount: 15 }, modelVersion: 'gemini-3-pro-preview', responseId: 'g3' }
  ].map(c => `data: ${JSON.stringify(c)}\n\n`).join('')
  t.same(await decode([Buffer.from(wire)]), [
    { type: 'start', id: 'g3', model: 'gemini-3-pro-preview' },
    { type: 'reasoning_delta', text: 'Plan.' },
    { type: 'text_delta', text: 'Answer' },
    { type: 'reasoning_signature', signature: 'RW5kU2ln', source: 'gemini' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 5, outputTokens: 10, reasoningTokens: 9 } }
  ])
})

t.test('an error chunk mid-stream ends the stream with an error event', async t => {
  const wire = `data: ${JSON.stringify(chunks[1])}\r\n\r\n` +
    'data: {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}\r\n\r\n' +
    `data: ${JSON.stringify(chunks[3])}\r\n\r\n`
  t.same(await decode([Buffer.from(wire)]), [
    { type: 'start', id: 'Ab12', model: 'gemini-2.5-flash', usage: { inputTokens: 40 } },
    { type: 'text_delta', text: 'It is 12°C in 東京' },
    { type: 'error', status: 429, message: 'Resource has been exhausted (e.g. check quota).', errorType: 'RESOURCE_EXHAUSTED' }
  ])
})

t.test('truncated, empty, blocked, malformed and trailing-usage streams', async t => {
  const truncated = await decode([Buffer.from(`data: ${JSON.stringify(chunks[1])}\r\n\r\n`)])
  t.same(truncated[truncated.length - 1], { type: 'error', status: 502, message: 'The Gemini stream ended without a finish reason' })
  t.same(await decode([]), [{ type: 'error', status: 502, message: 'The Gemini stream ended without any data' }])

  const blocked = await decode([Buffer.from('data: {"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash","responseId":"b"}\n\n')])
  t.same(blocked, [
    { type: 'start', id: 'b', model: 'gemini-2.5-flash', usage: { inputTokens: 7 } },
    { type: 'finish', reason: 'content_filter', usage: { inputTokens: 7, outputTokens: 0 } }
  ])

  const malformed = await decode([Buffer.from('data: {"candidates": [\n\n')])
  t.same(malformed, [{ type: 'error', status: 502, message: 'The Gemini upstream sent a stream chunk that is not JSON' }])

  const trailing = await decode([Buffer.from(`data: ${JSON.stringify(chunks[3])}\n\ndata: {"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":13,"totalTokenCount":83}}\n\n`)])
  t.same(trailing.slice(-2), [
    { type: 'finish', reason: 'stop', usage: { inputTokens: 40, outputTokens: 42, reasoningTokens: 30 } },
    { type: 'usage', usage: { inputTokens: 40, outputTokens: 13 } }
  ])

  const maxTokens = await decode([Buffer.from('data: {"candidates":[{"content":{"parts":[{"text":"cut"}]},"finishReason":"MAX_TOKENS"}]}\n\n')])
  t.same(maxTokens.slice(1), [{ type: 'text_delta', text: 'cut' }, { type: 'finish', reason: 'length' }])
  t.match(maxTokens[0], { type: 'start', id: '1', model: '' })
})

t.test('translated Gemini → Gemini: decoder events re-encode to an equivalent stream', async t => {
  const { createGeminiStreamEncoder } = await import('../../routes/gemini/codec/index.js')
  const events = await decode([Buffer.from(chunks.map(c => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''))])
  const encoder = createGeminiStreamEncoder({ model: 'gemini-2.5-flash', system: [], messages: [], stream: true }, fixedContext())
  const out = [...events.flatMap(e => encoder.encode(e)), ...encoder.end()].map(m => m.data as GeminiGenerateResponse)
  const parts = out.flatMap(d => d.candidates?.[0]?.content?.parts ?? [])
  t.same(parts, [
    { text: '**Considering** the weather ☁️', thought: true },
    { text: 'It is 12°C in 東京' },
    { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Tōkyō 🌧' } }, thoughtSignature: 'CpUBAb==' },
    { functionCall: { id: 'call_2', name: 'get_time', args: {} } }
  ])
  const last = out[out.length - 1]
  t.equal(last?.candidates?.[0]?.finishReason, 'STOP')
  t.same(last?.usageMetadata, chunks[3]?.usageMetadata)
  t.ok(out.every(d => d.responseId === 'Ab12' && d.modelVersion === 'gemini-2.5-flash'))
})
