import t from 'tap'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { openaiErrorDetails, openaiStreamErrorStatus } from '../../providers/openai-custom/errors.js'
import { GatewayError, invalidRequest, type ErrorKind } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import type { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'

t.test('renderError: status, headers and body per kind', async (t) => {
  t.same(openaiChatCodec.renderError(invalidRequest('messages[2].content[0].image_url.url must be an http(s) URL or a data URL', 'messages[2].content[0].image_url.url')), {
    status: 400,
    headers: {},
    body: { error: { message: 'messages[2].content[0].image_url.url must be an http(s) URL or a data URL', type: 'invalid_request_error', param: 'messages[2].content[0].image_url.url', code: null } }
  })
  t.equal(JSON.stringify(openaiChatCodec.renderError(new GatewayError({ kind: 'not_found', status: 404, message: 'The model `gpt-9` does not exist' })).body),
    '{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}')

  const limited = openaiChatCodec.renderError(new GatewayError({ kind: 'rate_limit', status: 429, message: 'All credentials are cooling down', retryAfter: 30, shouldRetry: false }))
  t.same(limited.headers, { 'retry-after': '30', 'x-should-retry': 'false' })
  t.same(limited.body, { error: { message: 'All credentials are cooling down', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' } })

  const table: Array<[ErrorKind, number, string, string | null]> = [
    ['authentication', 401, 'invalid_request_error', 'invalid_api_key'],
    ['billing', 402, 'insufficient_quota', 'insufficient_quota'],
    ['permission', 403, 'invalid_request_error', 'permission_denied'],
    ['request_too_large', 413, 'invalid_request_error', 'request_too_large'],
    ['internal', 500, 'server_error', null],
    ['bad_gateway', 502, 'server_error', null],
    ['unavailable', 503, 'server_error', null],
    ['overloaded', 529, 'server_error', 'overloaded'],
    ['timeout', 504, 'server_error', null]
  ]
  for (const [kind, status, type, code] of table) {
    const rendered = openaiChatCodec.renderError(new GatewayError({ kind, status, message: kind }))
    t.equal(rendered.status, status)
    t.same(rendered.body, { error: { message: kind, type, param: null, code } }, kind)
  }
  const coded = openaiChatCodec.renderError(new GatewayError({ kind: 'timeout', status: 504, message: 'slow', code: 'upstream_timeout' }))
  t.same(coded.body, { error: { message: 'slow', type: 'server_error', param: null, code: 'upstream_timeout' } }, 'an explicit code wins')
})

t.test('renderError forwards an OpenAI upstream error body as is', async (t) => {
  const body = '{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}'
  const err = upstreamHttpError(429, { 'retry-after': '20' }, body, 'openai', openaiErrorDetails(body))
  const rendered = openaiChatCodec.renderError(err)
  t.equal(rendered.status, 429)
  t.same(rendered.headers, { 'retry-after': '20', 'x-should-retry': 'false' })
  t.equal(JSON.stringify(rendered.body), body)

  const html = upstreamHttpError(502, {}, '<html>Bad Gateway</html>', 'openai', openaiErrorDetails('<html>Bad Gateway</html>'))
  t.same(openaiChatCodec.renderError(html).body, { error: { message: 'Upstream returned HTTP 502', type: 'server_error', param: null, code: null } })

  const claude = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
  const foreign = upstreamHttpError(529, {}, claude, 'anthropic', { message: 'Overloaded' })
  t.same(openaiChatCodec.renderError(foreign).body, { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } }, 'other protocols are rendered, not forwarded')
})

t.test('openaiErrorDetails reads the shapes compatible servers send', async (t) => {
  t.same(openaiErrorDetails('{"error":{"message":"Invalid model","type":"invalid_request_error","param":"model","code":"model_not_found"}}'), { message: 'Invalid model', code: 'model_not_found' })
  t.same(openaiErrorDetails('{"error":{"message":"quota","type":"insufficient_quota","code":null}}'), { message: 'quota', shouldRetry: false })
  t.same(openaiErrorDetails('{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}'), { message: 'max_tokens is too large' })
  t.same(openaiErrorDetails('{"error":"Model not loaded"}'), { message: 'Model not loaded' })
  t.same(openaiErrorDetails('{"detail":"Not authenticated"}'), { message: 'Not authenticated' })
  t.same(openaiErrorDetails('[{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}]'), { message: 'Resource has been exhausted' })
  t.same(openaiErrorDetails('upstream connect error'), {})
  t.equal(openaiStreamErrorStatus({ code: 429 }), 429)
  t.equal(openaiStreamErrorStatus({ code: '503' }), 503)
  t.equal(openaiStreamErrorStatus({ type: 'server_error' }), 500)
  t.equal(openaiStreamErrorStatus({ code: 'rate_limit_exceeded' }), 429)
  t.equal(openaiStreamErrorStatus({ type: 'invalid_request_error' }), 400)
  t.equal(openaiStreamErrorStatus({}), 502)
})

t.test('editSystem replaces system and developer messages with one system message, without mutating', async (t) => {
  const body: OpenAIChatRequest = {
    model: 'gpt-4o',
    temperature: 0.3,
    messages: [
      { role: 'developer', content: 'Rule A.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: [{ type: 'text', text: 'Rule B.' }, { type: 'text', text: '' }] },
      { role: 'assistant', content: 'Hello' }
    ]
  }
  const snapshot = structuredClone(body)
  const seen: string[] = []
  const edited = openaiChatCodec.editSystem(body, (blocks) => {
    seen.push(...blocks.map((b) => b.text))
    return [{ type: 'text', text: 'Gateway policy.' }, ...blocks]
  })
  t.same(seen, ['Rule A.', 'Rule B.'])
  t.same(edited, {
    model: 'gpt-4o',
    temperature: 0.3,
    messages: [
      { role: 'system', content: 'Gateway policy.\n\nRule A.\n\nRule B.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' }
    ]
  })
  t.same(body, snapshot, 'the input is untouched')
  t.same(openaiChatCodec.editSystem(body, () => []).messages, [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }])
  const moved = openaiChatCodec.withModel(body, 'gpt-4o-mini')
  t.equal(moved.model, 'gpt-4o-mini')
  t.equal(body.model, 'gpt-4o')
  t.equal(moved.messages, body.messages)
})
