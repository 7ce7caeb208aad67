import t from 'tap'
import OpenAI from 'openai'
import type { ChatResponse } from '../../schemas/canonical.js'
import type { ResponsesRequest } from '../../schemas/openai/responses-request.js'
import { GatewayError, invalidRequest } from '../../plugins/gateway-error.js'
import { responsesCodec } from '../../routes/responses/codec/index.js'
import { fixedContext } from './responses-fixtures.js'

const body: ResponsesRequest = {
  model: 'o4-mini',
  instructions: 'Be helpful.',
  input: 'Weather in Paris and Rome?',
  tools: [{ type: 'function', name: 'weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }, { type: 'web_search_preview' }],
  tool_choice: 'required',
  parallel_tool_calls: true,
  max_output_tokens: 1000,
  temperature: 0.5,
  top_p: 1,
  reasoning: { effort: 'low', summary: 'auto' },
  text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
  previous_response_id: 'resp_prev',
  store: false,
  metadata: { k: 'v' },
  include: ['reasoning.encrypted_content'],
  user: 'u1'
}

const res: ChatResponse = {
  id: 'upstream-1',
  model: 'o4-mini-2025-04-16',
  created: 1732400001,
  content: [
    { type: 'reasoning', text: 'Two cities.', signature: 'gAAAAABsig', signatureSource: 'openai' },
    { type: 'text', text: 'Looking ' },
    { type: 'text', text: 'up.' },
    { type: 'tool_call', id: 'call_p', name: 'weather', arguments: '{"city":"Paris"}' },
    { type: 'tool_call', id: 'call_r', name: 'weather', arguments: '{"city":"Rome"}' },
    { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0=' } }
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 100, outputTokens: 60, cacheReadTokens: 20, reasoningTokens: 30 }
}

function jsonClient (status: number, payload: unknown, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({
    apiKey: 'x',
    baseURL: 'http://127.0.0.1:1/v1',
    maxRetries: 0,
    fetch: async () => new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } })
  })
}

t.test('a response with every kind of output, and every echoed field', async t => {
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest(body, ctx)
  const encoded = responsesCodec.encodeResponse(res, req, ctx)
  t.equal(JSON.stringify(encoded), JSON.stringify({
    id: 'resp_1',
    object: 'response',
    created_at: 1732400001,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: 'Be helpful.',
    max_output_tokens: 1000,
    model: 'o4-mini-2025-04-16',
    output: [
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two cities.' }], encrypted_content: 'gAAAAABsig' },
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Looking up.', annotations: [], logprobs: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_p', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_r', name: 'weather', arguments: '{"city":"Rome"}', status: 'completed' },
      { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: 'iVBORw0=' }
    ],
    parallel_tool_calls: true,
    previous_response_id: 'resp_prev',
    reasoning: { effort: 'low', summary: 'auto' },
    store: false,
    temperature: 0.5,
    text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
    tool_choice: 'required',
    tools: [
      { type: 'function', name: 'weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { type: 'web_search_preview' }
    ],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 20 }, output_tokens: 60, output_tokens_details: { reasoning_tokens: 30 }, total_tokens: 160 },
    user: 'u1',
    metadata: { k: 'v' }
  }))

  const parsed = await jsonClient(200, encoded).responses.create({ model: 'o4-mini', input: 'x' })
  t.equal(parsed.output_text, 'Looking up.')
  t.equal(parsed.output.length, 5)
})

t.test('finish reasons become statuses', async t => {
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest({ model: 'm', input: 'x' }, ctx)
  const text: ChatResponse = { id: 'a', model: '', created: 1, content: [{ type: 'text', text: 'Hi' }], finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } }
  const plain = responsesCodec.encodeResponse(text, req, ctx) as Record<string, unknown>
  t.match(plain, { status: 'completed', model: 'm', reasoning: { effort: null, summary: null }, tools: [], tool_choice: 'auto', store: true, metadata: {} })
  const parsed = await jsonClient(200, plain).responses.create({ model: 'm', input: 'x' })
  t.equal(parsed.output_text, 'Hi')

  const cut = responsesCodec.encodeResponse({ ...text, finishReason: 'length' }, req, ctx)
  t.match(cut, { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'incomplete' }] })
  t.match(responsesCodec.encodeResponse({ ...text, finishReason: 'content_filter' }, req, ctx), { status: 'incomplete', incomplete_details: { reason: 'content_filter' } })
  t.match(responsesCodec.encodeResponse({ ...text, finishReason: 'error' }, req, ctx), { status: 'failed', error: { code: 'server_error' } })
})

t.test('without include, reasoning comes back without encrypted content', async t => {
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest({ model: 'm', input: 'x' }, ctx)
  const out = responsesCodec.encodeResponse({ ...res, content: [res.content[0]!, { type: 'tool_call', id: 'c', name: 'f', arguments: '{}', signature: 's', signatureSource: 'gemini' }] }, req, ctx) as { output: unknown[] }
  t.same(out.output, [
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two cities.' }] },
    { type: 'function_call', id: 'fc_1', call_id: 'c', name: 'f', arguments: '{}', status: 'completed' }
  ])
})

t.test('errors in the OpenAI shape, read back by the SDK', async t => {
  const bad = responsesCodec.renderError(invalidRequest("Invalid value for 'input[0].call_id'.", 'input[0].call_id'))
  t.same(bad, { status: 400, headers: {}, body: { error: { message: "Invalid value for 'input[0].call_id'.", type: 'invalid_request_error', param: 'input[0].call_id', code: null } } })
  const err = await jsonClient(bad.status, bad.body).responses.create({ model: 'm', input: 'x' }).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.BadRequestError)
  t.match(err, { status: 400, param: 'input[0].call_id', type: 'invalid_request_error' })

  const limited = responsesCodec.renderError(new GatewayError({ kind: 'rate_limit', status: 429, message: 'Too many', retryAfter: 7, shouldRetry: false }))
  t.same(limited, { status: 429, headers: { 'retry-after': '7', 'x-should-retry': 'false' }, body: { error: { message: 'Too many', type: 'rate_limit_exceeded', param: null, code: 'rate_limit_exceeded' } } })

  const upstreamBody = '{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'
  const forwarded = responsesCodec.renderError(new GatewayError({ kind: 'authentication', status: 401, message: 'x', upstream: { status: 401, body: upstreamBody, protocol: 'responses' } }))
  t.same(forwarded.body, JSON.parse(upstreamBody), 'an OpenAI-shaped upstream body is forwarded verbatim')
  const html = responsesCodec.renderError(new GatewayError({ kind: 'bad_gateway', status: 502, message: 'Bad gateway', upstream: { status: 502, body: '<html>', protocol: 'openai' } }))
  t.same(html.body, { error: { message: 'Bad gateway', type: 'server_error', param: null, code: null } })
  const other = responsesCodec.renderError(new GatewayError({ kind: 'not_found', status: 404, message: 'No model', code: 'model_not_found', upstream: { status: 404, body: upstreamBody, protocol: 'anthropic' } }))
  t.same(other.body, { error: { message: 'No model', type: 'invalid_request_error', param: null, code: 'model_not_found' } })
})
