import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import { OPENAI_HINTS_KEY } from '../../schemas/openai/hints.js'
import { fixedContext } from './openai-helpers.js'

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const PDF = 'JVBERi0xLjQKJcfsj6IKNSAwIG9iago='

/** Decodes a body after checking it against the route schema, as the route does. */
function decode (body: Record<string, unknown>) {
  if (!Value.Check(OpenAIChatRequest, body)) throw new Error(`schema rejected: ${JSON.stringify([...Value.Errors(OpenAIChatRequest, body)][0])}`)
  return openaiChatCodec.decodeRequest(body as OpenAIChatRequest, fixedContext())
}

t.test('minimal request', async (t) => {
  const req = decode({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
  t.strictSame(req, { model: 'gpt-4o', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false })
})

t.test('system and developer messages become system blocks in order', async (t) => {
  const req = decode({
    model: 'o3',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }, { type: 'text', text: 'No emoji.' }] },
      { role: 'user', content: 'Hello' },
      { role: 'system', content: '' },
      { role: 'developer', content: 'Late rule.' }
    ]
  })
  t.strictSame(req.system, [
    { type: 'text', text: 'You are terse.' },
    { type: 'text', text: 'Answer in French.' },
    { type: 'text', text: 'No emoji.' },
    { type: 'text', text: 'Late rule.' }
  ])
  t.strictSame(req.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }])
})

t.test('user content parts of every kind', async (t) => {
  const req = decode({
    model: 'gpt-4o',
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'report.pdf' } },
        { type: 'file', file: { file_id: 'file-abc123' } },
        { type: 'file', file: { file_data: PDF, filename: 'notes.txt' } }
      ]
    }]
  })
  t.strictSame(req.messages[0], {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG }, detail: 'high' },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'audio', data: 'UklGRg==', format: 'wav' },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, filename: 'report.pdf' },
      { type: 'document', source: { kind: 'file', fileId: 'file-abc123' } },
      { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: PDF }, filename: 'notes.txt' }
    ]
  })
})

t.test('assistant turns: null content with tool calls, refusal, reasoning_content; tool results merge with the next user turn', async (t) => {
  const req = decode({
    model: 'deepseek-reasoner',
    messages: [
      { role: 'user', content: 'Weather in Oslo and Bergen?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'I should call the tool twice.',
        tool_calls: [
          { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_b2', type: 'function', function: { name: 'get_weather', arguments: { city: 'Bergen' } } }
        ]
      },
      { role: 'tool', tool_call_id: 'call_a1', content: '{"temp":4}' },
      { role: 'tool', tool_call_id: 'call_b2', content: [{ type: 'text', text: '{"temp":7}' }] },
      { role: 'user', content: 'And tomorrow?' },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot forecast.' }], refusal: null },
      { role: 'assistant', content: '', refusal: 'Still no.' }
    ]
  })
  t.strictSame(req.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I should call the tool twice.' },
        { type: 'tool_call', id: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'tool_call', id: 'call_b2', name: 'get_weather', arguments: '{"city":"Bergen"}' }
      ]
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', callId: 'call_a1', name: 'get_weather', content: [{ type: 'text', text: '{"temp":4}' }] },
        { type: 'tool_result', callId: 'call_b2', name: 'get_weather', content: [{ type: 'text', text: '{"temp":7}' }] },
        { type: 'text', text: 'And tomorrow?' }
      ]
    },
    { role: 'assistant', content: [{ type: 'text', text: 'I cannot forecast.' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Still no.' }] }
  ])
  t.strictSame(req.extras, { openai: { [OPENAI_HINTS_KEY]: { reasoningContent: true } } })
})

t.test('tool results followed by an assistant turn stay their own user message; empty results are empty', async (t) => {
  const req = decode({
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'Run it' },
      { role: 'assistant', content: 'Running.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '' },
      { role: 'tool', tool_call_id: 'call_unknown', content: [{ type: 'image_url', image_url: { url: 'https://example.com/plot.png' } }] },
      { role: 'assistant', content: 'Done.' }
    ]
  })
  t.strictSame(req.messages.slice(1), [
    { role: 'assistant', content: [{ type: 'text', text: 'Running.' }, { type: 'tool_call', id: 'call_1', name: 'run', arguments: '{}' }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', callId: 'call_1', name: 'run', content: [] },
        { type: 'tool_result', callId: 'call_unknown', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/plot.png' } }] }
      ]
    },
    { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }
  ])
})

t.test('tools, tool_choice and parallel_tool_calls', async (t) => {
  const weather = { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true } }
  const bare = { type: 'function', function: { name: 'now' } }
  const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], tools: [weather, bare] }
  const req = decode({ ...base, tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false })
  t.strictSame(req.tools, [
    { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
    { name: 'now', parameters: { type: 'object', properties: {} } }
  ])
  t.strictSame(req.toolChoice, { type: 'tool', name: 'get_weather' })
  t.equal(req.parallelToolCalls, false)
  for (const choice of ['none', 'auto', 'required'] as const) t.strictSame(decode({ ...base, tool_choice: choice }).toolChoice, { type: choice })

  const allowed = { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'now' } }] } }
  const restricted = decode({ ...base, tool_choice: allowed })
  t.strictSame(restricted.toolChoice, { type: 'required' })
  t.strictSame(restricted.extras, { openai: { tool_choice: allowed } })

  const custom = { type: 'custom', custom: { name: 'grammar', format: { type: 'text' } } }
  const mixed = decode({ ...base, tools: [weather, custom], tool_choice: { type: 'custom', custom: { name: 'grammar' } } })
  t.strictSame(mixed.tools?.map((d) => d.name), ['get_weather'], 'only function tools are canonical')
  t.equal(mixed.toolChoice, undefined)
  t.strictSame(mixed.extras, { openai: { tools: [weather, custom], tool_choice: { type: 'custom', custom: { name: 'grammar' } } } })
})

t.test('legacy functions, function_call and the function role', async (t) => {
  const req = decode({
    model: 'gpt-3.5-turbo',
    functions: [{ name: 'lookup', description: 'Find a word', parameters: { type: 'object', properties: { word: { type: 'string' } } } }],
    function_call: { name: 'lookup' },
    messages: [
      { role: 'user', content: 'Define gateway' },
      { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"word":"gateway"}' } },
      { role: 'function', name: 'lookup', content: 'A point of entry.' }
    ]
  })
  t.strictSame(req.tools, [{ name: 'lookup', description: 'Find a word', parameters: { type: 'object', properties: { word: { type: 'string' } } } }])
  t.strictSame(req.toolChoice, { type: 'tool', name: 'lookup' })
  t.strictSame(req.messages.slice(1), [
    { role: 'assistant', content: [{ type: 'tool_call', id: 'call_0001', name: 'lookup', arguments: '{"word":"gateway"}' }] },
    { role: 'user', content: [{ type: 'tool_result', callId: 'call_0001', name: 'lookup', content: [{ type: 'text', text: 'A point of entry.' }] }] }
  ])
  t.strictSame(req.extras, { openai: { [OPENAI_HINTS_KEY]: { legacyFunctions: true } } })
  t.strictSame(decode({ model: 'm', messages: [{ role: 'user', content: 'x' }], functions: [{ name: 'f' }], function_call: 'none' }).toolChoice, { type: 'none' })
})

t.test('output control, sampling and extras', async (t) => {
  const req = decode({
    model: 'gpt-5',
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
    stream_options: { include_usage: true, include_obfuscation: false },
    max_tokens: 100,
    max_completion_tokens: 2000,
    reasoning_effort: 'high',
    response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'The answer', schema: { type: 'object' }, strict: true } },
    n: 2,
    stop: ['END', '###'],
    temperature: 0.2,
    top_p: 0.9,
    seed: 42,
    user: 'user-7',
    frequency_penalty: 0.5,
    presence_penalty: -0.5,
    metadata: { team: 'search' },
    logprobs: true,
    top_logprobs: 3,
    logit_bias: { 50256: -100 },
    store: false,
    service_tier: 'flex',
    modalities: ['text'],
    verbosity: 'low',
    prediction: { type: 'content', content: 'old code' },
    prompt_cache_key: 'k1',
    safety_identifier: 'hash-1',
    temperature_unit: 'celsius',
    top_k: 40,
    seed_extra: null,
    [OPENAI_HINTS_KEY]: { legacyFunctions: true }
  })
  t.strictSame(req, {
    model: 'gpt-5',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
    stream: true,
    maxTokens: 2000,
    temperature: 0.2,
    topP: 0.9,
    seed: 42,
    presencePenalty: -0.5,
    frequencyPenalty: 0.5,
    n: 2,
    stop: ['END', '###'],
    user: 'user-7',
    metadata: { team: 'search' },
    responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, description: 'The answer', strict: true },
    reasoning: { effort: 'high' },
    includeUsage: true,
    extras: {
      openai: {
        max_tokens: 100,
        stream_options: { include_obfuscation: false },
        logprobs: true,
        top_logprobs: 3,
        logit_bias: { 50256: -100 },
        store: false,
        service_tier: 'flex',
        modalities: ['text'],
        verbosity: 'low',
        prediction: { type: 'content', content: 'old code' },
        prompt_cache_key: 'k1',
        safety_identifier: 'hash-1',
        temperature_unit: 'celsius',
        top_k: 40
      }
    }
  }, 'a client cannot set the reserved hints key; nulls are unset')
})

t.test('max_tokens alone, stop string, json_object, nulls', async (t) => {
  const req = decode({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'x' }],
    max_tokens: 64,
    stop: 'END',
    response_format: { type: 'json_object' },
    temperature: null,
    tools: null,
    tool_choice: null,
    stream_options: null,
    stream: null
  })
  t.equal(req.maxTokens, 64)
  t.strictSame(req.stop, ['END'])
  t.strictSame(req.responseFormat, { type: 'json_object' })
  t.equal(req.temperature, undefined)
  t.equal(req.stream, false)
  t.strictSame(req.extras, { openai: { [OPENAI_HINTS_KEY]: { maxTokensField: 'max_tokens' } } })
})
