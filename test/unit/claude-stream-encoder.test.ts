import t from 'tap'
import type { ChatRequest, StreamEvent } from '../../schemas/canonical.js'
import { claudeCodec } from '../../routes/claude/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext, sdkFinalMessage, serializeSse } from './claude-helpers.js'

const req: ChatRequest = { model: 'claude-sonnet-4-5', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: true }

function encode (events: StreamEvent[], finish = true): string {
  const enc = claudeCodec.createStreamEncoder(req, fixedContext())
  const out = events.flatMap((e) => enc.encode(e))
  if (finish) out.push(...enc.end())
  return serializeSse(out)
}

t.test('text stream: byte-exact wire text', async (t) => {
  const sse = encode([
    { type: 'start', id: 'msg_01abc', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 40, cacheReadTokens: 10 } },
    { type: 'text_delta', text: 'Hello' },
    { type: 'text_delta', text: ', wörld' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 40, outputTokens: 12, cacheReadTokens: 10 } }
  ])
  t.equal(sse, [
    'event: message_start',
    'data: {"type":"message_start","message":{"id":"msg_01abc","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":10}}}',
    '',
    'event: ping',
    'data: {"type":"ping"}',
    '',
    'event: content_block_start',
    'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", wörld"}}',
    '',
    'event: content_block_stop',
    'data: {"type":"content_block_stop","index":0}',
    '',
    'event: message_delta',
    'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":30,"output_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":10}}',
    '',
    'event: message_stop',
    'data: {"type":"message_stop"}',
    '',
    ''
  ].join('\n'))
  const msg = await sdkFinalMessage(sse)
  t.same(msg.content, [{ type: 'text', text: 'Hello, wörld' }])
  t.equal(msg.stop_reason, 'end_turn')
  t.equal(msg.usage.input_tokens, 30)
  t.equal(msg.usage.cache_read_input_tokens, 10)
  t.equal(msg.usage.output_tokens, 12)
})

t.test('thinking with an Anthropic signature, then text', async (t) => {
  const sse = encode([
    { type: 'start', id: 'msg_02', model: 'claude-sonnet-4-5' },
    { type: 'reasoning_delta', text: 'Let me ' },
    { type: 'reasoning_delta', text: 'think.' },
    { type: 'reasoning_signature', signature: 'EqQBCkYIBxgCKkB', source: 'anthropic' },
    { type: 'text_delta', text: 'Answer.' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 5, outputTokens: 50 } }
  ])
  t.match(sse, 'data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCkYIBxgCKkB"}}\n\nevent: content_block_stop\ndata: {"type":"content_block_stop","index":0}')
  const msg = await sdkFinalMessage(sse)
  t.same(msg.content, [
    { type: 'thinking', thinking: 'Let me think.', signature: 'EqQBCkYIBxgCKkB' },
    { type: 'text', text: 'Answer.' }
  ])
  t.equal(msg.usage.output_tokens, 50)
})

t.test('foreign signatures are wrapped, unsigned reasoning has no signature, redacted thinking is a block', async (t) => {
  const sse = encode([
    { type: 'start', id: 'chatcmpl-9', model: 'gemini-2.5-pro' },
    { type: 'reasoning_delta', text: 'plan' },
    { type: 'reasoning_signature', signature: 'CiQBgeminiSig==', source: 'gemini' },
    { type: 'reasoning_delta', text: 'second thought' },
    { type: 'redacted_reasoning', data: 'EmwKAhgBEgy' },
    { type: 'reasoning_signature', signature: 'lonely', source: 'anthropic' },
    { type: 'text_delta', text: 'ok' },
    { type: 'finish', reason: 'stop' }
  ])
  const msg = await sdkFinalMessage(sse)
  t.match(msg.id, /^msg_/)
  t.same(msg.content, [
    { type: 'thinking', thinking: 'plan', signature: 'sb:gemini:CiQBgeminiSig==' },
    { type: 'thinking', thinking: 'second thought' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy' },
    { type: 'thinking', thinking: '', signature: 'lonely' },
    { type: 'text', text: 'ok' }
  ])
})

t.test('parallel tool calls: one block each, whole arguments as one delta', async (t) => {
  const sse = encode([
    { type: 'start', id: 'msg_03', model: 'm', usage: { inputTokens: 100 } },
    { type: 'text_delta', text: 'Checking both.' },
    { type: 'tool_call_start', index: 0, id: 'toolu_01', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city": "Os' },
    { type: 'tool_call_delta', index: 0, arguments: 'lo"}' },
    { type: 'tool_call_start', index: 1, id: 'call_abc', name: 'get_time' },
    { type: 'tool_call_delta', index: 1, arguments: '{"tz":"Europe/Oslo"}' },
    { type: 'tool_call_start', index: 2, id: '', name: 'no_args' },
    { type: 'finish', reason: 'tool_calls' },
    { type: 'usage', usage: { inputTokens: 100, outputTokens: 30, cacheWriteTokens: 60 } }
  ])
  t.match(sse, '"index":3,"content_block":{"type":"tool_use","id":"toolu_test')
  const msg = await sdkFinalMessage(sse)
  t.equal(msg.stop_reason, 'tool_use')
  t.same(msg.content.map((b) => b.type), ['text', 'tool_use', 'tool_use', 'tool_use'])
  t.match(msg.content[1], { id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo' } })
  t.match(msg.content[2], { id: 'call_abc', name: 'get_time', input: { tz: 'Europe/Oslo' } })
  t.match(msg.content[3], { name: 'no_args', input: {} })
  t.same(msg.usage, { input_tokens: 40, output_tokens: 30, cache_creation_input_tokens: 60, cache_read_input_tokens: 0 })
})

t.test('interleaved tool-call fragments still accumulate by index', async (t) => {
  const msg = await sdkFinalMessage(encode([
    { type: 'start', id: 'msg_i', model: 'm' },
    { type: 'tool_call_start', index: 0, id: 'call_a', name: 'a' },
    { type: 'tool_call_delta', index: 0, arguments: '{"x":' },
    { type: 'tool_call_start', index: 1, id: 'call_b', name: 'b' },
    { type: 'tool_call_delta', index: 1, arguments: '{"y":2}' },
    { type: 'tool_call_delta', index: 0, arguments: '1}' },
    { type: 'tool_call_delta', index: 7, arguments: '{"lost":true}' },
    { type: 'finish', reason: 'tool_calls' }
  ]))
  t.match(msg.content, [{ id: 'call_a', input: { x: 1 } }, { id: 'call_b', input: { y: 2 } }])
  t.equal(msg.content.length, 2)
})

t.test('stop sequence, max tokens and a stream that ends without finish', async (t) => {
  const seq = await sdkFinalMessage(encode([{ type: 'start', id: 'msg_4', model: 'm' }, { type: 'text_delta', text: 'a' }, { type: 'finish', reason: 'stop_sequence', stopSequence: 'END' }]))
  t.equal(seq.stop_reason, 'stop_sequence')
  t.equal(seq.stop_sequence, 'END')
  const len = await sdkFinalMessage(encode([{ type: 'start', id: 'msg_5', model: 'm' }, { type: 'text_delta', text: 'a' }, { type: 'finish', reason: 'length' }]))
  t.equal(len.stop_reason, 'max_tokens')
  const bare = await sdkFinalMessage(encode([{ type: 'tool_call_start', index: 0, id: 'toolu_x', name: 'f' }]))
  t.equal(bare.stop_reason, 'tool_use')
  t.equal(bare.model, 'claude-sonnet-4-5', 'the request model stands in when no start event came')
  const empty = await sdkFinalMessage(encode([]))
  t.same(empty.content, [])
  t.equal(empty.stop_reason, 'end_turn')
})

t.test('events after end or error produce nothing; a second start is ignored', async (t) => {
  const enc = claudeCodec.createStreamEncoder(req, fixedContext())
  t.equal(enc.encode({ type: 'start', id: 'msg_1', model: 'm' }).length, 2)
  t.same(enc.encode({ type: 'start', id: 'msg_2', model: 'm' }), [])
  t.equal(enc.end().length, 2)
  t.same(enc.end(), [])
  t.same(enc.encode({ type: 'text_delta', text: 'late' }), [])
})

t.test('errors become event: error, which the SDK throws', async (t) => {
  const enc = claudeCodec.createStreamEncoder(req, fixedContext())
  const out = [...enc.encode({ type: 'start', id: 'msg_1', model: 'm' }), ...enc.encode({ type: 'text_delta', text: 'par' })]
  out.push(...enc.error(new GatewayError({ kind: 'overloaded', status: 529, message: 'Overloaded' })))
  t.same(enc.end(), [])
  const sse = serializeSse(out)
  t.match(sse, 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')
  await t.rejects(sdkFinalMessage(sse), { type: 'overloaded_error', message: /Overloaded/ })

  const fromUpstream = claudeCodec.createStreamEncoder(req, fixedContext())
  const msgs = fromUpstream.encode({ type: 'error', status: 429, message: 'slow down' })
  t.same(msgs, [{ event: 'error', data: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } } }], 'no message_start for an immediate error')
  t.same(fromUpstream.end(), [])
  const typed = claudeCodec.createStreamEncoder(req, fixedContext()).encode({ type: 'error', status: 500, message: 'x', errorType: 'overloaded_error' })
  t.match(typed.at(-1), { data: { error: { type: 'overloaded_error' } } })

  const passthrough = claudeCodec.createStreamEncoder(req, fixedContext()).error(new GatewayError({
    kind: 'upstream_error',
    status: 500,
    message: 'Upstream returned HTTP 500',
    upstream: { status: 500, protocol: 'anthropic', body: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}' }
  }))
  t.same(passthrough, [{ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } }])
})
