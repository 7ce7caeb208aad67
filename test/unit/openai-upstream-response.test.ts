import t from 'tap'
import { openaiChatReader } from '../../providers/openai-custom/reader.js'
import { fromOpenAIChatResponse } from '../../providers/openai-custom/response.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext } from './openai-helpers.js'

t.test('an OpenAI response with parallel tool calls', async (t) => {
  const body = JSON.parse(`{
    "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
    "object": "chat.completion",
    "created": 1741570283,
    "model": "gpt-4o-2024-08-06",
    "choices": [{
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {"id": "call_a1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}},
          {"id": "call_b2", "type": "function", "function": {"name": "get_time", "arguments": ""}}
        ],
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    }],
    "usage": {
      "prompt_tokens": 1117, "completion_tokens": 46, "total_tokens": 1163,
      "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    },
    "service_tier": "default",
    "system_fingerprint": "fp_fc9f1d7035"
  }`)
  t.strictSame(openaiChatReader.decodeResponse(body, fixedContext()), {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    model: 'gpt-4o-2024-08-06',
    created: 1741570283,
    content: [
      { type: 'tool_call', id: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'tool_call', id: 'call_b2', name: 'get_time', arguments: '{}' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 1117, outputTokens: 46, cacheReadTokens: 1024 },
    extras: { openai: { service_tier: 'default', system_fingerprint: 'fp_fc9f1d7035' } }
  })
})

t.test('DeepSeek reasoning_content and cache-hit usage; OpenRouter reasoning; refusals', async (t) => {
  const deepseek = {
    id: '930c60df-bf64-41c9-a88e-3ec75f81e00e',
    object: 'chat.completion',
    created: 1705651092,
    model: 'deepseek-reasoner',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Oslo is colder.', reasoning_content: 'Compare 4 and 7.' }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80, prompt_cache_hit_tokens: 16, prompt_cache_miss_tokens: 4, completion_tokens_details: { reasoning_tokens: 45 } }
  }
  t.strictSame(fromOpenAIChatResponse(deepseek, fixedContext()), {
    id: '930c60df-bf64-41c9-a88e-3ec75f81e00e',
    model: 'deepseek-reasoner',
    created: 1705651092,
    content: [{ type: 'reasoning', text: 'Compare 4 and 7.' }, { type: 'text', text: 'Oslo is colder.' }],
    finishReason: 'stop',
    usage: { inputTokens: 20, outputTokens: 60, cacheReadTokens: 16, reasoningTokens: 45 }
  })
  const openrouter = {
    id: 'gen-1741570283-abc',
    model: 'anthropic/claude-sonnet-4.5',
    choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text: 'Hi' }], reasoning: 'Be nice.', refusal: 'partly refused' }, finish_reason: 'length' }]
  }
  t.strictSame(fromOpenAIChatResponse(openrouter, fixedContext()), {
    id: 'gen-1741570283-abc',
    model: 'anthropic/claude-sonnet-4.5',
    created: 1732400000,
    content: [{ type: 'reasoning', text: 'Be nice.' }, { type: 'text', text: 'Hi' }, { type: 'text', text: 'partly refused' }],
    finishReason: 'length',
    usage: { inputTokens: 0, outputTokens: 0 }
  })
})

t.test('n > 1, legacy function_call, "stop" after tool calls', async (t) => {
  const res = fromOpenAIChatResponse({
    id: 'chatcmpl-n',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [
      { index: 1, message: { role: 'assistant', content: 'second' }, finish_reason: 'stop' },
      { index: 0, message: { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: { word: 'x' } } }, finish_reason: 'function_call' },
      { index: 2, message: { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }
    ],
    usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 }
  }, fixedContext())
  t.strictSame(res.content, [{ type: 'tool_call', id: 'call_0001', name: 'lookup', arguments: '{"word":"x"}' }])
  t.equal(res.finishReason, 'tool_calls')
  t.strictSame(res.choices, [
    { content: [{ type: 'text', text: 'second' }], finishReason: 'stop' },
    { content: [{ type: 'tool_call', id: 'call_0002', name: 'f', arguments: '{}' }], finishReason: 'tool_calls' }
  ])
})

t.test('bodies that are not completions', async (t) => {
  t.throws(() => fromOpenAIChatResponse('nope', fixedContext()), { name: 'GatewayError', message: /not a JSON object/ })
  t.throws(() => fromOpenAIChatResponse({ id: 'x', choices: [] }, fixedContext()), { name: 'GatewayError', message: /no choices/ })
  const body = { error: { message: 'Provider returned error', code: 429, metadata: { raw: 'rate limited' } } }
  try {
    fromOpenAIChatResponse(body, fixedContext())
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof GatewayError)
    t.match(err, { status: 429, kind: 'rate_limit', message: 'Provider returned error', upstream: { status: 200, protocol: 'openai', body: JSON.stringify(body) } })
  }
})
