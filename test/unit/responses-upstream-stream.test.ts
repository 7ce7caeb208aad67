import t from 'tap'
import type { StreamEvent } from '../../schemas/canonical.js'
import { readSse } from '../../providers/shared/sse-reader.js'
import { createResponsesStreamDecoder } from '../../providers/openai-responses/stream.js'
import { responsesCodec } from '../../routes/responses/codec/index.js'
import { fixedContext, toSseText } from './responses-fixtures.js'

function frame (data: Record<string, unknown>): string {
  return `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`
}

const resp = { id: 'resp_abc', object: 'response', created_at: 1741290958, status: 'in_progress', model: 'o4-mini-2025-04-16', output: [], usage: null }
const rs = { id: 'rs_1', type: 'reasoning', summary: [] }
const msg = { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] }
const fc = { id: 'fc_1', type: 'function_call', status: 'in_progress', call_id: 'call_w', name: 'weather', arguments: '' }

/** An api.openai.com stream: reasoning summary in two parts, text with multi-byte characters, a function call. */
const UPSTREAM = [
  frame({ type: 'response.created', sequence_number: 0, response: resp }),
  frame({ type: 'response.in_progress', sequence_number: 1, response: resp }),
  frame({ type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: rs }),
  frame({ type: 'response.reasoning_summary_part.added', sequence_number: 3, item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } }),
  frame({ type: 'response.reasoning_summary_text.delta', sequence_number: 4, item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'Plan: ', obfuscation: 'x1' }),
  frame({ type: 'response.reasoning_summary_text.delta', sequence_number: 5, item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'look up.', obfuscation: 'x2' }),
  frame({ type: 'response.reasoning_summary_text.done', sequence_number: 6, item_id: 'rs_1', output_index: 0, summary_index: 0, text: 'Plan: look up.' }),
  frame({ type: 'response.reasoning_summary_part.done', sequence_number: 7, item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: 'Plan: look up.' } }),
  frame({ type: 'response.reasoning_summary_part.added', sequence_number: 8, item_id: 'rs_1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: '' } }),
  frame({ type: 'response.reasoning_summary_text.delta', sequence_number: 9, item_id: 'rs_1', output_index: 0, summary_index: 1, delta: 'Then answer.' }),
  frame({ type: 'response.reasoning_summary_text.done', sequence_number: 10, item_id: 'rs_1', output_index: 0, summary_index: 1, text: 'Then answer.' }),
  frame({ type: 'response.reasoning_summary_part.done', sequence_number: 11, item_id: 'rs_1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: 'Then answer.' } }),
  frame({ type: 'response.output_item.done', sequence_number: 12, output_index: 0, item: { ...rs, summary: [{ type: 'summary_text', text: 'Plan: look up.' }, { type: 'summary_text', text: 'Then answer.' }], encrypted_content: 'gAAAAABo-Z9' } }),
  frame({ type: 'response.output_item.added', sequence_number: 13, output_index: 1, item: msg }),
  frame({ type: 'response.content_part.added', sequence_number: 14, item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
  frame({ type: 'response.output_text.delta', sequence_number: 15, item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Température à Paris ', logprobs: [] }),
  frame({ type: 'response.output_text.delta', sequence_number: 16, item_id: 'msg_1', output_index: 1, content_index: 0, delta: '☀️ 東京', logprobs: [] }),
  frame({ type: 'response.output_text.done', sequence_number: 17, item_id: 'msg_1', output_index: 1, content_index: 0, text: 'Température à Paris ☀️ 東京', logprobs: [] }),
  frame({ type: 'response.content_part.done', sequence_number: 18, item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: 'Température à Paris ☀️ 東京', annotations: [] } }),
  frame({ type: 'response.output_item.done', sequence_number: 19, output_index: 1, item: { ...msg, status: 'completed', content: [{ type: 'output_text', text: 'Température à Paris ☀️ 東京', annotations: [] }] } }),
  frame({ type: 'response.output_item.added', sequence_number: 20, output_index: 2, item: fc }),
  frame({ type: 'response.function_call_arguments.delta', sequence_number: 21, item_id: 'fc_1', output_index: 2, delta: '{"city":' }),
  frame({ type: 'response.function_call_arguments.delta', sequence_number: 22, item_id: 'fc_1', output_index: 2, delta: '"Paris"}' }),
  frame({ type: 'response.function_call_arguments.done', sequence_number: 23, item_id: 'fc_1', output_index: 2, arguments: '{"city":"Paris"}' }),
  frame({ type: 'response.output_item.done', sequence_number: 24, output_index: 2, item: { ...fc, status: 'completed', arguments: '{"city":"Paris"}' } }),
  frame({ type: 'response.completed', sequence_number: 25, response: { ...resp, status: 'completed', usage: { input_tokens: 40, input_tokens_details: { cached_tokens: 0 }, output_tokens: 90, output_tokens_details: { reasoning_tokens: 64 }, total_tokens: 130 } } })
].join('')

const EXPECTED: StreamEvent[] = [
  { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
  { type: 'reasoning_delta', text: 'Plan: ' },
  { type: 'reasoning_delta', text: 'look up.' },
  { type: 'reasoning_delta', text: '\n\n' },
  { type: 'reasoning_delta', text: 'Then answer.' },
  { type: 'reasoning_signature', signature: 'gAAAAABo-Z9', source: 'openai' },
  { type: 'text_delta', text: 'Température à Paris ' },
  { type: 'text_delta', text: '☀️ 東京' },
  { type: 'tool_call_start', index: 0, id: 'call_w', name: 'weather' },
  { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
  { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
  { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 40, outputTokens: 90, cacheReadTokens: 0, reasoningTokens: 64 } }
]

async function * chunks (bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (const cut of cuts) {
    yield bytes.subarray(at, cut)
    at = cut
  }
  yield bytes.subarray(at)
}

async function decode (bytes: Uint8Array, cuts: number[] = []): Promise<StreamEvent[]> {
  const decoder = createResponsesStreamDecoder(fixedContext())
  const out: StreamEvent[] = []
  for await (const batch of readSse(chunks(bytes, cuts))) for (const message of batch) out.push(...decoder.push(message))
  out.push(...decoder.end())
  return out
}

t.test('an OpenAI stream split at every byte offset decodes the same', async t => {
  const bytes = new TextEncoder().encode(UPSTREAM)
  t.same(await decode(bytes), EXPECTED)
  let failures = 0
  for (let cut = 1; cut < bytes.length; cut++) {
    const events = await decode(bytes, [cut])
    if (JSON.stringify(events) !== JSON.stringify(EXPECTED)) failures++
  }
  t.equal(failures, 0, `all ${bytes.length - 1} two-chunk splits`)
  // Three-way splits around the multi-byte text exercise a character cut across two boundaries.
  const start = UPSTREAM.indexOf('Température')
  const from = new TextEncoder().encode(UPSTREAM.slice(0, start)).length
  for (let a = from; a < from + 40; a++) {
    for (let b = a + 1; b < a + 8; b++) if (JSON.stringify(await decode(bytes, [a, b])) !== JSON.stringify(EXPECTED)) failures++
  }
  t.equal(failures, 0, 'three-chunk splits through multi-byte characters')
})

t.test('servers that send whole items in .done events', async t => {
  const text = [
    frame({ type: 'response.created', sequence_number: 0, response: resp }),
    frame({ type: 'response.output_item.done', sequence_number: 1, output_index: 0, item: { ...rs, summary: [{ type: 'summary_text', text: 'A' }, { type: 'summary_text', text: 'B' }] } }),
    frame({ type: 'response.output_item.done', sequence_number: 2, output_index: 1, item: { ...msg, content: [{ type: 'output_text', text: 'Whole' }] } }),
    frame({ type: 'response.output_item.added', sequence_number: 3, output_index: 2, item: { ...fc, arguments: '{"a"' } }),
    frame({ type: 'response.function_call_arguments.done', sequence_number: 4, item_id: 'fc_1', output_index: 2, arguments: '{"a":1}' }),
    frame({ type: 'response.output_item.done', sequence_number: 5, output_index: 3, item: { ...fc, id: 'fc_2', call_id: 'call_2', arguments: '{}' } }),
    frame({ type: 'response.incomplete', sequence_number: 6, response: { ...resp, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } }),
    'data: [DONE]\n\n'
  ].join('')
  t.same(await decode(new TextEncoder().encode(text)), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'reasoning_delta', text: 'A\n\nB' },
    { type: 'text_delta', text: 'Whole' },
    { type: 'tool_call_start', index: 0, id: 'call_w', name: 'weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"a"' },
    { type: 'tool_call_delta', index: 0, arguments: ':1}' },
    { type: 'tool_call_start', index: 1, id: 'call_2', name: 'weather' },
    { type: 'tool_call_delta', index: 1, arguments: '{}' },
    { type: 'finish', reason: 'length', usage: { inputTokens: 0, outputTokens: 0 } }
  ])
})

t.test('errors: event: error, response.failed, garbage, a cut-off stream', async t => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  const created = frame({ type: 'response.created', sequence_number: 0, response: resp })
  t.same(await decode(bytes(created + 'event: error\ndata: {"type":"error","sequence_number":1,"code":"rate_limit_exceeded","message":"Rate limit reached","param":null}\n\n' + frame({ type: 'response.output_text.delta', delta: 'ignored' }))), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'error', status: 429, message: 'Rate limit reached', errorType: 'rate_limit_exceeded' }
  ])
  t.same(await decode(bytes(created + 'event: error\ndata: {"type":"error","sequence_number":1,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Too long","param":"input"}}\n\n')), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'error', status: 400, message: 'Too long', errorType: 'context_length_exceeded' }
  ])
  t.same(await decode(bytes(created + frame({ type: 'response.failed', sequence_number: 1, response: { ...resp, status: 'failed', error: { code: 'server_error', message: 'The model failed' } } }))), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'error', status: 502, message: 'The model failed', errorType: 'server_error' }
  ])
  t.same(await decode(bytes(created + 'data: {not json\n\n')), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'error', status: 502, message: 'The upstream sent a malformed stream event', errorType: 'upstream_malformed' }
  ])
  t.same(await decode(bytes(created + frame({ type: 'response.output_text.delta', item_id: 'm', delta: 'Hal' }))), [
    { type: 'start', id: 'resp_abc', model: 'o4-mini-2025-04-16' },
    { type: 'text_delta', text: 'Hal' },
    { type: 'error', status: 502, message: 'The upstream stream ended before the response was complete', errorType: 'upstream_incomplete' }
  ])
})

t.test('round trip: canonical events → the surface encoder → the upstream decoder', async t => {
  const events: StreamEvent[] = [
    { type: 'start', id: 'x', model: 'gpt-5' },
    { type: 'reasoning_delta', text: 'Hmm' },
    { type: 'reasoning_signature', signature: 'gAAAAABsig', source: 'openai' },
    { type: 'text_delta', text: 'Calling.' },
    { type: 'tool_call_start', index: 0, id: 'call_1', name: 'a' },
    { type: 'tool_call_start', index: 1, id: 'call_2', name: 'b' },
    { type: 'tool_call_delta', index: 1, arguments: '{"y":2}' },
    { type: 'tool_call_delta', index: 0, arguments: '{"x":1}' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 7, cacheReadTokens: 1, reasoningTokens: 3 } }
  ]
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest({ model: 'gpt-5', input: 'x', stream: true, include: ['reasoning.encrypted_content'] }, ctx)
  const enc = responsesCodec.createStreamEncoder(req, ctx)
  const sse = toSseText([...events.flatMap(e => enc.encode(e)), ...enc.end()])
  const back = await decode(new TextEncoder().encode(sse))
  t.same(back, [{ type: 'start', id: 'resp_1', model: 'gpt-5' }, ...events.slice(1)])
})
