import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import { toOpenAIChatRequest } from '../../providers/openai-custom/request.js'
import { openaiChatReader } from '../../providers/openai-custom/reader.js'
import { decodeChunks, fixedContext, sdkClientFor, sseText } from './openai-helpers.js'
import type { SseMessage } from '../../schemas/translate-context.js'

function roundTrip (body: Record<string, unknown>, model = String(body.model)): Record<string, unknown> {
  if (!Value.Check(OpenAIChatRequest, body)) throw new Error('schema rejected the fixture')
  return toOpenAIChatRequest(openaiChatCodec.decodeRequest(body as OpenAIChatRequest, fixedContext()), model)
}

t.test('an OpenAI request survives decode → upstream encode, unknown fields included', async (t) => {
  const body = {
    model: 'gpt-5',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_a1', content: '{"temp":4}' },
      { role: 'assistant', content: 'It is 4°C.' },
      { role: 'user', content: 'Thanks' }
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } }],
    tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] } },
    parallel_tool_calls: true,
    max_completion_tokens: 800,
    reasoning_effort: 'minimal',
    response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' }, strict: true } },
    stream: true,
    stream_options: { include_usage: false, include_obfuscation: false },
    stop: 'END',
    n: 1,
    seed: 7,
    temperature: 0.5,
    top_p: 1,
    frequency_penalty: 0,
    presence_penalty: 0,
    user: 'u1',
    metadata: { k: 'v' },
    logprobs: true,
    top_logprobs: 2,
    logit_bias: { 1: 5 },
    store: true,
    service_tier: 'priority',
    modalities: ['text'],
    verbosity: 'high',
    prediction: { type: 'content', content: 'draft' },
    prompt_cache_key: 'pk',
    safety_identifier: 'sid',
    web_search_options: { search_context_size: 'low' },
    top_k: 20,
    chat_template_kwargs: { enable_thinking: false },
    provider: { order: ['DeepInfra'], allow_fallbacks: false }
  }
  t.strictSame(roundTrip(body, 'gpt-5-2025-08-07'), {
    model: 'gpt-5-2025-08-07',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_a1', content: '{"temp":4}' },
      { role: 'assistant', content: 'It is 4°C.' },
      { role: 'user', content: 'Thanks' }
    ],
    tools: body.tools,
    tool_choice: body.tool_choice,
    parallel_tool_calls: true,
    max_completion_tokens: 800,
    temperature: 0.5,
    top_p: 1,
    stop: ['END'],
    seed: 7,
    presence_penalty: 0,
    frequency_penalty: 0,
    n: 1,
    user: 'u1',
    metadata: { k: 'v' },
    reasoning_effort: 'minimal',
    response_format: body.response_format,
    stream: true,
    stream_options: { include_obfuscation: false, include_usage: true },
    logprobs: true,
    top_logprobs: 2,
    logit_bias: { 1: 5 },
    store: true,
    service_tier: 'priority',
    modalities: ['text'],
    verbosity: 'high',
    prediction: { type: 'content', content: 'draft' },
    prompt_cache_key: 'pk',
    safety_identifier: 'sid',
    web_search_options: { search_context_size: 'low' },
    top_k: 20,
    chat_template_kwargs: { enable_thinking: false },
    provider: { order: ['DeepInfra'], allow_fallbacks: false }
  })
})

t.test('max_tokens clients keep max_tokens; DeepSeek reasoning_content is echoed only when the client sent it', async (t) => {
  const messages = [
    { role: 'user', content: 'Q' },
    { role: 'assistant', content: 'A', reasoning_content: 'thought' },
    { role: 'user', content: 'Q2' }
  ]
  const echoed = roundTrip({ model: 'deepseek-chat', messages, max_tokens: 100 })
  t.strictSame(echoed, {
    model: 'deepseek-chat',
    messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A', reasoning_content: 'thought' }, { role: 'user', content: 'Q2' }],
    max_tokens: 100
  })
  const plain = roundTrip({ model: 'deepseek-chat', messages: [messages[0], { role: 'assistant', content: 'A' }], max_completion_tokens: 100 })
  t.strictSame(plain, { model: 'deepseek-chat', messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }], max_completion_tokens: 100 })
})

t.test('legacy functions reach the upstream as tools', async (t) => {
  const upstream = roundTrip({
    model: 'gpt-4o',
    functions: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
    function_call: 'auto',
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{}' } },
      { role: 'function', name: 'lookup', content: 'found' }
    ]
  })
  t.strictSame(upstream, {
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0001', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_0001', content: 'found' }
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
    tool_choice: 'auto'
  })
})

t.test('upstream stream → canonical → OpenAI surface stream is accepted by the SDK', async (t) => {
  const env = '"object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner"'
  const upstream = [
    `{"id":"ds-9",${env},"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Hm."}}]}`,
    `{"id":"ds-9",${env},"choices":[{"index":0,"delta":{"content":"Calling."}}]}`,
    `{"id":"ds-9",${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\""}}]}}]}`,
    `{"id":"ds-9",${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}`,
    `{"id":"ds-9",${env},"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
    `{"id":"ds-9",${env},"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"completion_tokens_details":{"reasoning_tokens":5}}}`
  ].map((c) => `data: ${c}\n\n`).join('') + 'data: [DONE]\n\n'
  const events = await decodeChunks(openaiChatReader.createStreamDecoder(fixedContext()), [Buffer.from(upstream)])
  const req = openaiChatCodec.decodeRequest({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } }, fixedContext())
  const encoder = openaiChatCodec.createStreamEncoder(req, fixedContext())
  const out: SseMessage[] = []
  for (const e of events) out.push(...encoder.encode(e))
  out.push(...encoder.end())
  const final = await sdkClientFor(sseText(out)).chat.completions.stream({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'go' }], stream_options: { include_usage: true } }).finalChatCompletion()
  t.match(final, {
    id: 'chatcmpl-ds-9',
    model: 'deepseek-reasoner',
    choices: [{ finish_reason: 'tool_calls', message: { content: 'Calling.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] } }],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, completion_tokens_details: { reasoning_tokens: 5 } }
  })
})

t.test('upstream completion → canonical → OpenAI surface keeps the body', async (t) => {
  const upstream = {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1741570283,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    service_tier: 'default',
    system_fingerprint: 'fp_1'
  }
  const req = openaiChatCodec.decodeRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, fixedContext())
  const res = openaiChatReader.decodeResponse(upstream, fixedContext())
  t.equal(JSON.stringify(openaiChatCodec.encodeResponse(res, req, fixedContext())), JSON.stringify(upstream))
})
