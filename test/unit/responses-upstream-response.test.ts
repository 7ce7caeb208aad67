import t from 'tap'
import { isGatewayError } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { fromResponsesResponse } from '../../providers/openai-responses/response.js'
import { responsesErrorDetails } from '../../providers/openai-responses/errors.js'
import { responsesReader } from '../../providers/openai-responses/reader.js'
import { fixedContext } from './responses-fixtures.js'

/** As api.openai.com answers a reasoning model that calls a hosted tool, a function and writes text. */
const body = {
  id: 'resp_67ccd2bed1ec8190b14f964abc054267',
  object: 'response',
  created_at: 1741476542,
  status: 'completed',
  error: null,
  incomplete_details: null,
  model: 'o4-mini-2025-04-16',
  output: [
    { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'First.' }, { type: 'summary_text', text: 'Second.' }], encrypted_content: 'gAAAAABo-enc' },
    { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'paris weather' } },
    { id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'It is sunny.', annotations: [] }] },
    { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' }
  ],
  parallel_tool_calls: true,
  usage: { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 380 }
}

t.test('a completed response with every kind of item', async t => {
  t.same(fromResponsesResponse(body, fixedContext()), {
    id: 'resp_67ccd2bed1ec8190b14f964abc054267',
    model: 'o4-mini-2025-04-16',
    created: 1741476542,
    content: [
      { type: 'reasoning', text: 'First.\n\nSecond.', signature: 'gAAAAABo-enc', signatureSource: 'openai' },
      { type: 'text', text: 'It is sunny.' },
      { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 328, outputTokens: 52, cacheReadTokens: 128, reasoningTokens: 20 },
    extras: { responses: { output_items: [body.output[1]] } }
  })
  t.equal(responsesReader.protocol, 'responses')
  t.same(responsesReader.decodeResponse(body, fixedContext()), fromResponsesResponse(body, fixedContext()))
})

t.test('incomplete and refused responses', async t => {
  const cut = fromResponsesResponse({
    ...body, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' },
    output: [{ id: 'msg_1', type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'output_text', text: 'Once', annotations: [] }] }]
  }, fixedContext())
  t.same([cut.finishReason, cut.content], ['length', [{ type: 'text', text: 'Once' }]])
  const filtered = fromResponsesResponse({
    ...body, status: 'incomplete', incomplete_details: { reason: 'content_filter' },
    output: [{ type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help.' }] }], usage: undefined
  }, fixedContext())
  t.same([filtered.finishReason, filtered.content, filtered.usage], ['content_filter', [{ type: 'text', text: 'I cannot help.' }], { inputTokens: 0, outputTokens: 0 }])
})

t.test('raw reasoning text from compatible servers (vLLM, gpt-oss)', async t => {
  const res = fromResponsesResponse({ id: 'r', model: 'gpt-oss-20b', created_at: 1, status: 'completed', output: [
    { type: 'reasoning', id: 'rs', summary: [], content: [{ type: 'reasoning_text', text: 'raw thought' }] },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }
  ] }, fixedContext())
  t.same(res.content, [{ type: 'reasoning', text: 'raw thought' }, { type: 'text', text: 'ok' }])
  t.equal(res.finishReason, 'stop')
})

function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('did not throw')
}

t.test('failed and malformed bodies throw', async t => {
  const failed = (error: unknown) => thrown(() => fromResponsesResponse({ ...body, status: 'failed', error }, fixedContext()))
  t.match(failed({ code: 'rate_limit_exceeded', message: 'Slow down' }), { status: 429, kind: 'rate_limit', message: 'Slow down', code: 'rate_limit_exceeded' })
  t.match(failed({ code: 'server_error', message: 'Oops' }), { status: 502, kind: 'upstream_error', message: 'Oops' })
  t.match(failed({ code: 'invalid_prompt', message: 'Bad prompt' }), { status: 400, kind: 'invalid_request' })
  t.match(thrown(() => fromResponsesResponse('<html>', fixedContext())), { status: 502, code: 'upstream_malformed' })
  t.match(thrown(() => fromResponsesResponse({ id: 'x' }, fixedContext())), { status: 502 })
})

t.test('error bodies', async t => {
  t.same(responsesErrorDetails('{"error":{"message":"Incorrect API key provided: sk-abc***.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'),
    { message: 'Incorrect API key provided: sk-abc***.', code: 'invalid_api_key' })
  const quota = '{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}'
  t.same(responsesErrorDetails(quota), { message: 'You exceeded your current quota.', code: 'insufficient_quota', kind: 'billing', shouldRetry: false })
  t.same(responsesErrorDetails('{"error":{"message":"Bad","type":"invalid_request_error","code":null}}'), { message: 'Bad', code: 'invalid_request_error' })
  t.same(responsesErrorDetails('upstream connect error'), {})
  t.same(responsesErrorDetails('{"detail":"Not Found"}'), {})

  const err = upstreamHttpError(429, { 'retry-after': '3' }, quota, 'responses', responsesErrorDetails(quota))
  t.ok(isGatewayError(err))
  t.match(err, { status: 429, kind: 'billing', retryAfter: 3, shouldRetry: false, credentialScoped: true, upstream: { protocol: 'responses', body: quota } })
})
