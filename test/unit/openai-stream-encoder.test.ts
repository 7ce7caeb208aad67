import t from 'tap'
import { APIError } from 'openai'
import type { ChatRequest, StreamEvent } from '../../schemas/canonical.js'
import { OPENAI_HINTS_KEY } from '../../schemas/openai/hints.js'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { encodeAll, fixedContext, sdkClientFor, sseText } from './openai-helpers.js'

const base: ChatRequest = { model: 'gpt-4o', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: true }
const withUsage: ChatRequest = { ...base, includeUsage: true }
const params = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }] }

function wire (req: ChatRequest, events: readonly StreamEvent[]): string {
  return sseText(encodeAll(openaiChatCodec.createStreamEncoder(req, fixedContext()), events))
}

t.test('byte-exact text stream with usage', async (t) => {
  const text = wire(withUsage, [
    { type: 'start', id: 'chatcmpl-9x', model: 'gpt-4o-2024-08-06' },
    { type: 'text_delta', text: 'Hel' },
    { type: 'text_delta', text: 'lo' },
    { type: 'finish', reason: 'stop' },
    { type: 'usage', usage: { inputTokens: 52, outputTokens: 18, cacheReadTokens: 12 } }
  ])
  const env = '"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1732400000,"model":"gpt-4o-2024-08-06"'
  t.equal(text,
    `data: {${env},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}],"usage":null}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n` +
    `data: {${env},"choices":[],"usage":{"prompt_tokens":52,"completion_tokens":18,"total_tokens":70,` +
    '"prompt_tokens_details":{"cached_tokens":12},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n' +
    'data: [DONE]\n\n')
})

t.test('byte-exact tool call stream without usage (the FORMATS.md example)', async (t) => {
  const text = wire(base, [
    { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
    { type: 'tool_call_start', index: 0, id: 'call_a1', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":"Oslo"}' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 2 } }
  ])
  const env = '"id":"chatcmpl-msg_1","object":"chat.completion.chunk","created":1732400000,"model":"claude-sonnet-4-5"'
  t.equal(text,
    `data: {${env},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":\\"Oslo\\"}"}}]},"finish_reason":null}]}\n\n` +
    `data: {${env},"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n` +
    'data: [DONE]\n\n')
})

t.test('the SDK accepts a text stream with usage', async (t) => {
  const sse = wire(withUsage, [
    { type: 'start', id: 'chatcmpl-1', model: 'gpt-4o' },
    { type: 'text_delta', text: 'Hello' },
    { type: 'text_delta', text: ' wörld 👋' },
    { type: 'finish', reason: 'length', usage: { inputTokens: 9, outputTokens: 3, reasoningTokens: 1 } }
  ])
  const stream = sdkClientFor(sse).chat.completions.stream({ ...params, stream_options: { include_usage: true } })
  const deltas: string[] = []
  stream.on('content', (delta) => deltas.push(delta))
  const final = await stream.finalChatCompletion()
  t.same(deltas, ['Hello', ' wörld 👋'])
  t.match(final, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'gpt-4o',
    choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'Hello wörld 👋', refusal: null } }],
    usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, completion_tokens_details: { reasoning_tokens: 1 } }
  })
})

t.test('the SDK accepts reasoning_content deltas', async (t) => {
  const sse = wire(base, [
    { type: 'start', id: 'chatcmpl-2', model: 'deepseek-reasoner' },
    { type: 'reasoning_delta', text: 'Think ' },
    { type: 'reasoning_delta', text: 'hard.' },
    { type: 'reasoning_signature', signature: 'sig', source: 'anthropic' },
    { type: 'text_delta', text: '42' },
    { type: 'finish', reason: 'stop' }
  ])
  const reasoning: string[] = []
  const stream = sdkClientFor(sse).chat.completions.stream(params)
  stream.on('chunk', (chunk) => {
    const delta = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined
    if (delta?.reasoning_content !== undefined) reasoning.push(delta.reasoning_content)
  })
  const final = await stream.finalChatCompletion()
  t.same(reasoning, ['Think ', 'hard.'])
  t.equal(final.choices[0]?.message.content, '42')
  t.equal(final.choices[0]?.finish_reason, 'stop')
  t.equal(final.usage, undefined, 'no usage without include_usage')
})

t.test('the SDK accepts parallel tool calls, indexed densely whatever the canonical indexes', async (t) => {
  const sse = wire(withUsage, [
    { type: 'start', id: 'chatcmpl-3', model: 'gpt-4o' },
    { type: 'text_delta', text: 'Checking both.' },
    { type: 'tool_call_start', index: 1, id: 'call_oslo', name: 'get_weather' },
    { type: 'tool_call_delta', index: 1, arguments: '{"city":' },
    { type: 'tool_call_delta', index: 1, arguments: '"Oslo"}' },
    { type: 'tool_call_start', index: 3, id: 'toolu_bergen', name: 'get_weather' },
    { type: 'tool_call_delta', index: 3, arguments: '{"city":"Bergen"}' },
    { type: 'tool_call_delta', index: 9, arguments: 'orphan' },
    { type: 'finish', reason: 'tool_calls' },
    { type: 'usage', usage: { inputTokens: 80, outputTokens: 30 } }
  ])
  const done: Array<{ index: number, arguments: string, parsed: unknown }> = []
  const tool = { type: 'function' as const, function: { name: 'get_weather', strict: true, parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } }
  const stream = sdkClientFor(sse).chat.completions.stream({ ...params, tools: [tool], stream_options: { include_usage: true } })
  stream.on('tool_calls.function.arguments.done', (e) => done.push({ index: e.index, arguments: e.arguments, parsed: e.parsed_arguments }))
  const final = await stream.finalChatCompletion()
  t.match(final.choices[0]?.message.tool_calls, [
    { id: 'call_oslo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    { id: 'toolu_bergen', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } }
  ])
  t.equal(final.choices[0]?.message.tool_calls?.length, 2)
  t.same(done, [
    { index: 0, arguments: '{"city":"Oslo"}', parsed: { city: 'Oslo' } },
    { index: 1, arguments: '{"city":"Bergen"}', parsed: { city: 'Bergen' } }
  ], 'strict tools: the SDK parses each call when it is done')
  t.equal(final.choices[0]?.message.content, 'Checking both.')
  t.equal(final.choices[0]?.finish_reason, 'tool_calls')
  t.match(final.usage, { prompt_tokens: 80, completion_tokens: 30, total_tokens: 110 }, 'usage that came after finish')
})

t.test('interleaved tool-call deltas still give the SDK the right final calls', async (t) => {
  // The SDK's per-call "done" events fire whenever the index changes, so only the final completion is checked.
  const sse = wire(base, [
    { type: 'start', id: 'chatcmpl-7', model: 'm' },
    { type: 'tool_call_start', index: 0, id: 'call_a', name: 'a' },
    { type: 'tool_call_start', index: 1, id: 'call_b', name: 'b' },
    { type: 'tool_call_delta', index: 0, arguments: '{"x":' },
    { type: 'tool_call_delta', index: 1, arguments: '{"y":2}' },
    { type: 'tool_call_delta', index: 0, arguments: '1}' },
    { type: 'finish', reason: 'tool_calls' }
  ])
  const final = await sdkClientFor(sse).chat.completions.stream(params).finalChatCompletion()
  t.same(final.choices[0]?.message.tool_calls?.map((c) => c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : []), [
    ['call_a', 'a', '{"x":1}'], ['call_b', 'b', '{"y":2}']
  ])
})

t.test('the SDK accepts a stream that had no start and no finish', async (t) => {
  const sse = wire(withUsage, [{ type: 'text_delta', text: 'bare' }])
  const final = await sdkClientFor(sse).chat.completions.stream(params).finalChatCompletion()
  t.match(final, { id: 'chatcmpl-0001', model: 'gpt-4o', choices: [{ finish_reason: 'stop', message: { content: 'bare' } }], usage: { total_tokens: 0 } })
})

t.test('legacy function clients get function_call deltas', async (t) => {
  const legacy: ChatRequest = { ...base, extras: { openai: { [OPENAI_HINTS_KEY]: { legacyFunctions: true } } } }
  const sse = wire(legacy, [
    { type: 'start', id: 'chatcmpl-4', model: 'gpt-3.5-turbo' },
    { type: 'tool_call_start', index: 0, id: 'call_1', name: 'lookup' },
    { type: 'tool_call_delta', index: 0, arguments: '{"word":' },
    { type: 'tool_call_delta', index: 0, arguments: '"gateway"}' },
    { type: 'tool_call_start', index: 1, id: 'call_2', name: 'second' },
    { type: 'tool_call_delta', index: 1, arguments: '{}' },
    { type: 'finish', reason: 'tool_calls' }
  ])
  const final = await sdkClientFor(sse).chat.completions.stream({ ...params, functions: [{ name: 'lookup', parameters: {} }] }).finalChatCompletion()
  t.match(final.choices[0], { finish_reason: 'function_call', message: { function_call: { name: 'lookup', arguments: '{"word":"gateway"}' } } })
})

t.test('in-stream errors: the SDK throws an APIError and nothing follows', async (t) => {
  const encoder = openaiChatCodec.createStreamEncoder(withUsage, fixedContext())
  const out = [
    ...encoder.encode({ type: 'start', id: 'chatcmpl-5', model: 'gpt-4o' }),
    ...encoder.encode({ type: 'text_delta', text: 'partial' }),
    ...encoder.error(new GatewayError({ kind: 'timeout', status: 504, message: 'The upstream provider did not answer in time', code: 'upstream_timeout' }))
  ]
  t.same(encoder.end(), [], 'end() after an error adds nothing')
  t.same(encoder.encode({ type: 'text_delta', text: 'late' }), [])
  const sse = sseText(out)
  t.match(sse, /\ndata: \{"error":\{"message":"The upstream provider did not answer in time","type":"server_error","param":null,"code":"upstream_timeout"\}\}\n\n$/)
  const err = await sdkClientFor(sse).chat.completions.stream(params).finalChatCompletion().catch((e: unknown) => e)
  t.ok(err instanceof APIError)
  t.match((err as APIError).message, /did not answer in time/)

  const canonical = sseText(encodeAll(openaiChatCodec.createStreamEncoder(base, fixedContext()), [
    { type: 'start', id: 'chatcmpl-6', model: 'gpt-4o' },
    { type: 'error', status: 529, message: 'Overloaded', errorType: 'overloaded_error' }
  ]))
  t.match(canonical, /\ndata: \{"error":\{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded_error"\}\}\n\n$/)
  t.notMatch(canonical, /\[DONE\]/)

  const upstreamBody = '{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","param":null,"code":"rate_limit_exceeded"}}'
  const forwarded = openaiChatCodec.createStreamEncoder(base, fixedContext())
    .error(new GatewayError({ kind: 'rate_limit', status: 429, message: 'x', upstream: { status: 429, body: upstreamBody, protocol: 'openai' } }))
  t.equal(sseText(forwarded), `data: ${upstreamBody}\n\n`)
})
