import t from 'tap'
import type { ChatRequest, ChatResponse } from '../../schemas/canonical.js'
import { OPENAI_HINTS_KEY } from '../../schemas/openai/hints.js'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { toOpenAIModelList } from '../../routes/openai/codec/models.js'
import { fixedContext } from './openai-helpers.js'

const request: ChatRequest = { model: 'gpt-4o', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false }

function encode (res: ChatResponse, req: ChatRequest = request): string {
  return JSON.stringify(openaiChatCodec.encodeResponse(res, req, fixedContext()))
}

t.test('tool calls (the FORMATS.md example)', async (t) => {
  const res: ChatResponse = {
    id: 'chatcmpl-9x',
    model: 'gpt-4o',
    created: 1732400000,
    content: [{ type: 'tool_call', id: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    finishReason: 'tool_calls',
    usage: { inputTokens: 52, outputTokens: 18 }
  }
  t.equal(encode(res), '{"id":"chatcmpl-9x","object":"chat.completion","created":1732400000,"model":"gpt-4o",' +
    '"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,' +
    '"tool_calls":[{"id":"call_a1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},' +
    '"logprobs":null,"finish_reason":"tool_calls"}],' +
    '"usage":{"prompt_tokens":52,"completion_tokens":18,"total_tokens":70,' +
    '"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}')
})

t.test('text with reasoning, cache and reasoning usage, foreign id and model', async (t) => {
  const res: ChatResponse = {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    model: 'claude-sonnet-4-5',
    created: 1732400001,
    content: [
      { type: 'reasoning', text: 'The user greets. ', signature: 'EqQBCgIYAhIM', signatureSource: 'anthropic' },
      { type: 'reasoning', text: 'Greet back.' },
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' there!' }
    ],
    finishReason: 'stop_sequence',
    stopSequence: '###',
    usage: { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 1024, cacheWriteTokens: 100, reasoningTokens: 25 }
  }
  t.equal(encode(res), '{"id":"chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1732400001,"model":"claude-sonnet-4-5",' +
    '"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!","refusal":null,"reasoning_content":"The user greets. Greet back."},' +
    '"logprobs":null,"finish_reason":"stop"}],' +
    '"usage":{"prompt_tokens":1200,"completion_tokens":40,"total_tokens":1240,' +
    '"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":25}}}')
})

t.test('finish reasons map per FORMATS.md §7', async (t) => {
  const cases = [['stop', 'stop'], ['stop_sequence', 'stop'], ['pause', 'stop'], ['error', 'stop'], ['length', 'length'],
    ['context_window', 'length'], ['tool_calls', 'tool_calls'], ['content_filter', 'content_filter']] as const
  for (const [canonical, wire] of cases) {
    const body = openaiChatCodec.encodeResponse({ id: 'chatcmpl-1', model: 'm', created: 1, content: [], finishReason: canonical, usage: { inputTokens: 0, outputTokens: 0 } }, request, fixedContext())
    t.match(body, { choices: [{ finish_reason: wire, message: { content: '' } }] }, canonical)
  }
})

t.test('n > 1 choices, empty id and model, echoed upstream fields', async (t) => {
  const res: ChatResponse = {
    id: '',
    model: '',
    created: 1732400002,
    content: [{ type: 'text', text: 'A' }],
    finishReason: 'stop',
    choices: [{ content: [{ type: 'text', text: 'B' }], finishReason: 'length' }],
    usage: { inputTokens: 5, outputTokens: 2 },
    extras: { openai: { system_fingerprint: 'fp_44709d6fcb', service_tier: 'default' } }
  }
  t.equal(encode(res), '{"id":"chatcmpl-0001","object":"chat.completion","created":1732400002,"model":"gpt-4o",' +
    '"choices":[{"index":0,"message":{"role":"assistant","content":"A","refusal":null},"logprobs":null,"finish_reason":"stop"},' +
    '{"index":1,"message":{"role":"assistant","content":"B","refusal":null},"logprobs":null,"finish_reason":"length"}],' +
    '"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,' +
    '"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},' +
    '"service_tier":"default","system_fingerprint":"fp_44709d6fcb"}')
})

t.test('legacy function clients get function_call', async (t) => {
  const legacy: ChatRequest = { ...request, extras: { openai: { [OPENAI_HINTS_KEY]: { legacyFunctions: true } } } }
  const res: ChatResponse = {
    id: 'chatcmpl-2',
    model: 'gpt-3.5-turbo',
    created: 1732400003,
    content: [{ type: 'tool_call', id: 'call_1', name: 'lookup', arguments: '{"word":"gateway"}' }],
    finishReason: 'tool_calls',
    usage: { inputTokens: 10, outputTokens: 5 }
  }
  t.match(JSON.parse(encode(res, legacy)), {
    choices: [{ message: { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"word":"gateway"}' } }, finish_reason: 'function_call' }]
  })
  t.notOk('tool_calls' in JSON.parse(encode(res, legacy)).choices[0].message)
})

t.test('model list', async (t) => {
  t.equal(JSON.stringify(toOpenAIModelList([
    { id: 'gpt-4o', provider: 'openai-custom', created: 1715367049, ownedBy: 'openai' },
    { id: 'claude-sonnet-4-5', provider: 'claude-custom' }
  ], 1732400000)), '{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"openai"},' +
    '{"id":"claude-sonnet-4-5","object":"model","created":1732400000,"owned_by":"claude-custom"}]}')
})
