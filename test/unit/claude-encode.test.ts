import t from 'tap'
import Anthropic from '@anthropic-ai/sdk'
import type { ChatRequest, ChatResponse } from '../../schemas/canonical.js'
import { claudeCodec, toClaudeModelList } from '../../routes/claude/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { claudeBody, fixedContext } from './claude-helpers.js'

const req: ChatRequest = { model: 'claude-sonnet-4-5', system: [], messages: [], stream: false }

function response (extra: Partial<ChatResponse>): ChatResponse {
  return {
    id: 'msg_01XFD',
    model: 'claude-sonnet-4-5-20250929',
    created: 1760000000,
    content: [],
    finishReason: 'stop',
    usage: { inputTokens: 100, outputTokens: 30 },
    ...extra
  }
}

t.test('encodeResponse: blocks in order, stop reason, usage without cache counts in input_tokens', async (t) => {
  const body = claudeCodec.encodeResponse(response({
    content: [
      { type: 'reasoning', text: 'Think.', signature: 'EqQB', signatureSource: 'anthropic' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'tool_call', id: '', name: 'broken', arguments: '{"cut' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 1000, outputTokens: 30, cacheReadTokens: 800, cacheWriteTokens: 150 }
  }), req, fixedContext())
  t.same(body, {
    id: 'msg_01XFD',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      { type: 'thinking', thinking: 'Think.', signature: 'EqQB' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_test1', name: 'broken', input: { _raw: '{"cut' } }
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 50, output_tokens: 30, cache_creation_input_tokens: 150, cache_read_input_tokens: 800 }
  })
})

t.test('encodeResponse: foreign ids and signatures, stop sequences, unmapped blocks back in place', async (t) => {
  const body = claudeCodec.encodeResponse(response({
    id: 'chatcmpl-abc',
    model: '',
    content: [
      { type: 'reasoning', text: 'g', signature: 'CiQB', signatureSource: 'gemini' },
      { type: 'reasoning', text: 'plain' },
      { type: 'reasoning', text: '', redacted: 'EmwK', signatureSource: 'anthropic' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
      { type: 'text', text: 'Found it.' }
    ],
    finishReason: 'stop_sequence',
    stopSequence: '###',
    extras: { anthropic: { content: [{ index: 3, block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } }] } }
  }), req, fixedContext())
  t.match(body, {
    id: 'msg_test1',
    model: 'claude-sonnet-4-5',
    content: [
      { type: 'thinking', thinking: 'g', signature: 'sb:gemini:CiQB' },
      { type: 'thinking', thinking: 'plain' },
      { type: 'redacted_thinking', data: 'EmwK' },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
      { type: 'text', text: 'Found it.' }
    ],
    stop_reason: 'stop_sequence',
    stop_sequence: '###'
  })
  t.notOk('signature' in ((body as { content: object[] }).content[1] ?? {}), 'unsigned reasoning carries no signature field')
  const noSeq = claudeCodec.encodeResponse(response({ finishReason: 'stop_sequence' }), req, fixedContext()) as { stop_reason: string }
  t.equal(noSeq.stop_reason, 'end_turn', 'stop_sequence is only claimed with the matched string')
  const reasons = [['length', 'max_tokens'], ['content_filter', 'refusal'], ['pause', 'pause_turn'], ['context_window', 'model_context_window_exceeded'], ['error', 'end_turn']] as const
  for (const [reason, expected] of reasons) {
    t.match(claudeCodec.encodeResponse(response({ finishReason: reason }), req, fixedContext()), { stop_reason: expected })
  }
})

t.test('encoded responses survive a trip through the SDK client and back through the decoder', async (t) => {
  const encoded = claudeCodec.encodeResponse(response({
    content: [
      { type: 'reasoning', text: 'g', signature: 'CiQB', signatureSource: 'gemini' },
      { type: 'text', text: 'Hi' },
      { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"a":1}' }
    ],
    finishReason: 'tool_calls'
  }), req, fixedContext())
  const fetch = async (): Promise<Response> => Response.json(encoded)
  const client = new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1:1', fetch, maxRetries: 0 })
  const msg = await client.messages.create({ model: 'claude-gateway-test', max_tokens: 10, messages: [{ role: 'user', content: 'q' }] })
  const next = claudeCodec.decodeRequest(claudeBody({
    model: 'm',
    max_tokens: 10,
    messages: [{ role: 'user', content: 'q' }, { role: msg.role, content: msg.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'ok' }] }]
  }), fixedContext())
  t.same(next.messages[1]?.content, [
    { type: 'reasoning', text: 'g', signature: 'CiQB', signatureSource: 'gemini' },
    { type: 'text', text: 'Hi' },
    { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"a":1}' }
  ])
})

t.test('renderError: Anthropic error bodies and headers per kind', async (t) => {
  const kinds = [
    ['invalid_request', 400, 'invalid_request_error'],
    ['authentication', 401, 'authentication_error'],
    ['billing', 402, 'billing_error'],
    ['permission', 403, 'permission_error'],
    ['not_found', 404, 'not_found_error'],
    ['conflict', 409, 'conflict_error'],
    ['request_too_large', 413, 'request_too_large'],
    ['rate_limit', 429, 'rate_limit_error'],
    ['internal', 500, 'api_error'],
    ['upstream_error', 500, 'api_error'],
    ['bad_gateway', 502, 'api_error'],
    ['unavailable', 503, 'overloaded_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['timeout', 504, 'timeout_error']
  ] as const
  for (const [kind, status, type] of kinds) {
    const rendered = claudeCodec.renderError(new GatewayError({ kind, status, message: `m ${kind}` }))
    t.same(rendered, { status, headers: {}, body: { type: 'error', error: { type, message: `m ${kind}` }, request_id: null } }, kind)
  }
  const limited = claudeCodec.renderError(new GatewayError({ kind: 'rate_limit', status: 429, message: 'quota', retryAfter: 30, shouldRetry: false }))
  t.same(limited.headers, { 'retry-after': '30', 'x-should-retry': 'false' })
})

t.test('renderError: an Anthropic upstream error body is forwarded as is', async (t) => {
  const upstreamBody = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}'
  const err = upstreamHttpError(529, { 'retry-after': '5', 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' }, upstreamBody, 'anthropic', { message: 'Overloaded', kind: 'overloaded' })
  const rendered = claudeCodec.renderError(err)
  t.equal(rendered.status, 529)
  t.same(rendered.headers, { 'retry-after': '5' })
  t.same(rendered.body, JSON.parse(upstreamBody))

  const fromOpenAI = upstreamHttpError(429, { 'x-request-id': 'abc' }, '{"error":{"message":"Rate limit","type":"rate_limit_exceeded"}}', 'openai', { message: 'Rate limit' })
  t.same(claudeCodec.renderError(fromOpenAI).body, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit' }, request_id: null })
  const garbage = upstreamHttpError(502, { 'request-id': 'req_x' }, '<html>bad gateway</html>', 'anthropic')
  t.same(claudeCodec.renderError(garbage).body, { type: 'error', error: { type: 'api_error', message: 'Upstream returned HTTP 502' }, request_id: 'req_x' })
})

t.test('editSystem and withModel return new bodies', async (t) => {
  const original = claudeBody({
    model: 'a',
    max_tokens: 5,
    system: [{ type: 'text', text: 'keep', cache_control: { type: 'ephemeral' }, citations: null }, { type: 'text', text: 'old' }],
    messages: [{ role: 'user', content: 'x' }]
  })
  const snapshot = structuredClone(original)
  const edited = claudeCodec.editSystem(original, (parts) => [{ type: 'text', text: 'Gateway rules.' }, ...parts.filter((p) => p.text !== 'old')])
  t.same(edited.system, [{ type: 'text', text: 'Gateway rules.' }, { type: 'text', text: 'keep', cache_control: { type: 'ephemeral' }, citations: null }])
  t.same(original, snapshot, 'the input is untouched')
  const str = claudeBody({ model: 'a', max_tokens: 5, system: 'Be brief', messages: [{ role: 'user', content: 'x' }] })
  t.equal(claudeCodec.editSystem(str, (parts) => parts).system, 'Be brief')
  t.same(claudeCodec.editSystem(str, (parts) => [...parts, { type: 'text', text: 'More' }]).system, [{ type: 'text', text: 'Be brief' }, { type: 'text', text: 'More' }])
  t.notOk('system' in claudeCodec.editSystem(str, () => []))
  const none = claudeBody({ model: 'a', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
  t.same(claudeCodec.editSystem(none, () => [{ type: 'text', text: 'Added', cacheControl: { type: 'ephemeral' } }]).system, [{ type: 'text', text: 'Added', cache_control: { type: 'ephemeral' } }])
  const moved = claudeCodec.withModel(original, 'b')
  t.equal(moved.model, 'b')
  t.equal(original.model, 'a')
})

t.test('model list pages like Anthropic', async (t) => {
  const models = ['a', 'b', 'c'].map((id, i) => ({ id, provider: 'p', created: 1759104000 + i * 86400, ...(i === 0 ? { displayName: 'Model A', inputTokenLimit: 200000, outputTokenLimit: 64000 } : {}) }))
  t.same(toClaudeModelList(models), {
    data: [
      { type: 'model', id: 'a', display_name: 'Model A', created_at: '2025-09-29T00:00:00Z', max_input_tokens: 200000, max_tokens: 64000 },
      { type: 'model', id: 'b', display_name: 'b', created_at: '2025-09-30T00:00:00Z' },
      { type: 'model', id: 'c', display_name: 'c', created_at: '2025-10-01T00:00:00Z' }
    ],
    has_more: false,
    first_id: 'a',
    last_id: 'c'
  })
  t.match(toClaudeModelList(models, { limit: 1 }), { data: [{ id: 'a' }], has_more: true, first_id: 'a', last_id: 'a' })
  t.match(toClaudeModelList(models, { limit: 1, after_id: 'a' }), { data: [{ id: 'b' }], has_more: true })
  t.match(toClaudeModelList(models, { limit: 2, after_id: 'b' }), { data: [{ id: 'c' }], has_more: false })
  t.match(toClaudeModelList(models, { limit: 1, before_id: 'c' }), { data: [{ id: 'b' }], has_more: true })
  t.same(toClaudeModelList([], {}), { data: [], has_more: false, first_id: null, last_id: null })
})
