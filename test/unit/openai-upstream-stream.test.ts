import t from 'tap'
import type { StreamEvent } from '../../schemas/canonical.js'
import { createOpenAIChatStreamDecoder } from '../../providers/openai-custom/stream.js'
import { decodeChunks, fixedContext, splitAt } from './openai-helpers.js'

/** SSE text: each chunk as a data line (a chunk starting with ':' is an SSE comment), then [DONE]. */
const lines = (chunks: readonly string[], done = true): string =>
  chunks.map((c) => c.startsWith(':') ? `${c}\n\n` : `data: ${c}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '')

/** Decodes the text whole, then split at every byte offset; returns the whole result and the offsets that differ. */
async function decodeEverySplit (text: string): Promise<{ whole: StreamEvent[], differing: number[] }> {
  const bytes = Buffer.from(text, 'utf8')
  const whole = await decodeChunks(createOpenAIChatStreamDecoder(fixedContext()), [bytes])
  const differing: number[] = []
  for (let offset = 1; offset < bytes.length; offset++) {
    const events = await decodeChunks(createOpenAIChatStreamDecoder(fixedContext()), splitAt(bytes, offset))
    if (JSON.stringify(events) !== JSON.stringify(whole)) differing.push(offset)
  }
  return { whole, differing }
}

t.test('OpenAI: text then parallel tool calls, usage chunk after finish_reason', async (t) => {
  const env = '"id":"chatcmpl-B9N","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_fc9f1d7035"'
  const text = lines([
    `{${env},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"x9"}`,
    `{${env},"choices":[{"index":0,"delta":{"content":"Checking…"},"logprobs":null,"finish_reason":null}],"usage":null}`,
    `{${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a1","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}`,
    `{${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\": \\"Oslo\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}`,
    `{${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b2","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}`,
    `{${env},"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"city\\": \\"Bergen\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}`,
    `{${env},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}`,
    `{${env},"choices":[],"usage":{"prompt_tokens":82,"completion_tokens":51,"total_tokens":133,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}}}`
  ])
  t.strictSame(await decodeEverySplit(text), { whole: [
    { type: 'start', id: 'chatcmpl-B9N', model: 'gpt-4o-2024-08-06' },
    { type: 'text_delta', text: 'Checking…' },
    { type: 'tool_call_start', index: 0, id: 'call_a1', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city": "Oslo"}' },
    { type: 'tool_call_start', index: 1, id: 'call_b2', name: 'get_weather' },
    { type: 'tool_call_delta', index: 1, arguments: '{"city": "Bergen"}' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 82, outputTokens: 51, cacheReadTokens: 64 } }
  ], differing: [] })
})

t.test('DeepSeek: reasoning_content then content, usage on the finish chunk, multi-byte text', async (t) => {
  const env = '"id":"ds-1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","system_fingerprint":"fp_1"'
  const text = lines([
    `{${env},"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}`,
    `{${env},"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"比较 "},"logprobs":null,"finish_reason":null}]}`,
    `{${env},"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"4°C 🥶"},"logprobs":null,"finish_reason":null}]}`,
    `{${env},"choices":[{"index":0,"delta":{"content":"奥斯陆更冷。","reasoning_content":null},"logprobs":null,"finish_reason":null}]}`,
    `{${env},"choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":12,"completion_tokens_details":{"reasoning_tokens":21}}}`
  ])
  t.strictSame(await decodeEverySplit(text), { whole: [
    { type: 'start', id: 'ds-1', model: 'deepseek-reasoner' },
    { type: 'reasoning_delta', text: '比较 ' },
    { type: 'reasoning_delta', text: '4°C 🥶' },
    { type: 'text_delta', text: '奥斯陆更冷。' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 12, outputTokens: 30, reasoningTokens: 21 } }
  ], differing: [] })
})

t.test('tolerant tool calls: late name, repeated id/name, missing index, "stop" after calls, OpenRouter reasoning', async (t) => {
  const text = lines([
    '{"id":"gen-1","model":"qwen3","choices":[{"index":0,"delta":{"role":"assistant","reasoning":"plan"}}]}',
    // vLLM-style: arguments before the name
    '{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_x","function":{"arguments":"{\\"q\\":"}}]}}]}',
    '{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"search","arguments":"\\"oslo\\"}"}}]}}]}',
    // every delta repeats id, type and name
    '{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_y","type":"function","function":{"name":"fetch","arguments":"{\\"u\\":"}}]}}]}',
    '{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_y","type":"function","function":{"name":"fetch","arguments":"1}"}}]}}]}',
    // no index, no id: a whole call in one delta, then an object for arguments
    '{"id":"gen-1","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_z","function":{"name":"now","arguments":{"tz":"UTC"}}}]}}]}',
    ': OPENROUTER PROCESSING',
    'ping',
    '{"id":"gen-1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}'
  ])
  t.strictSame(await decodeEverySplit(text), { whole: [
    { type: 'start', id: 'gen-1', model: 'qwen3' },
    { type: 'reasoning_delta', text: 'plan' },
    { type: 'tool_call_start', index: 0, id: 'call_x', name: 'search' },
    { type: 'tool_call_delta', index: 0, arguments: '{"q":"oslo"}' },
    { type: 'tool_call_start', index: 1, id: 'call_y', name: 'fetch' },
    { type: 'tool_call_delta', index: 1, arguments: '{"u":' },
    { type: 'tool_call_delta', index: 1, arguments: '1}' },
    { type: 'tool_call_start', index: 2, id: 'call_z', name: 'now' },
    { type: 'tool_call_delta', index: 2, arguments: '{"tz":"UTC"}' },
    { type: 'finish', reason: 'tool_calls' }
  ], differing: [] })
})

t.test('only choice 0 of an n > 1 stream; a legacy function_call; a call whose name never came', async (t) => {
  const text = lines([
    '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}},{"index":1,"delta":{"role":"assistant","content":""}}]}',
    '{"id":"c","model":"m","choices":[{"index":1,"delta":{"content":"other"}}]}',
    '{"id":"c","model":"m","choices":[{"index":0,"delta":{"function_call":{"name":"lookup","arguments":""}}}]}',
    '{"id":"c","model":"m","choices":[{"index":0,"delta":{"function_call":{"arguments":"{}"}}}]}',
    '{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":5,"function":{"arguments":"{\\"lost\\":false}"}}]}}]}',
    '{"id":"c","model":"m","choices":[{"index":1,"delta":{},"finish_reason":"length"},{"index":0,"delta":{},"finish_reason":"function_call"}]}'
  ])
  t.strictSame(await decodeEverySplit(text), { whole: [
    { type: 'start', id: 'c', model: 'm' },
    { type: 'tool_call_start', index: 0, id: 'call_0001', name: 'lookup' },
    { type: 'tool_call_delta', index: 0, arguments: '{}' },
    { type: 'tool_call_start', index: 1, id: 'call_0002', name: '' },
    { type: 'tool_call_delta', index: 1, arguments: '{"lost":false}' },
    { type: 'finish', reason: 'tool_calls' }
  ], differing: [] })
})

t.test('endings: no [DONE] after a finish_reason, a cut stream, an empty stream', async (t) => {
  t.strictSame(await decodeEverySplit(lines(['{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"length"}]}'], false)), { whole: [
    { type: 'start', id: 'a', model: 'm' },
    { type: 'text_delta', text: 'hi' },
    { type: 'finish', reason: 'length' }
  ], differing: [] })
  t.strictSame(await decodeEverySplit(lines(['{"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}'], false)), { whole: [
    { type: 'start', id: 'a', model: 'm' },
    { type: 'text_delta', text: 'hi' },
    { type: 'error', status: 502, message: 'The upstream stream ended before the response was complete', errorType: 'upstream_incomplete' }
  ], differing: [] })
  t.strictSame(await decodeEverySplit('data: [DONE]\n\n'), { whole: [
    { type: 'start', id: 'chatcmpl-0001', model: '' },
    { type: 'finish', reason: 'stop' }
  ], differing: [] })
})

t.test('in-stream errors end the stream', async (t) => {
  const text = lines([
    '{"id":"e","model":"m","choices":[{"index":0,"delta":{"content":"par"}}]}',
    '{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}',
    '{"id":"e","model":"m","choices":[{"index":0,"delta":{"content":"ignored"}}]}'
  ])
  t.strictSame(await decodeEverySplit(text), { whole: [
    { type: 'start', id: 'e', model: 'm' },
    { type: 'text_delta', text: 'par' },
    { type: 'error', status: 500, message: 'The server had an error while processing your request.', errorType: 'server_error' }
  ], differing: [] })
  t.strictSame(await decodeEverySplit('event: error\ndata: {"message":"Rate limit","code":"rate_limit_exceeded"}\n\n'), { whole: [
    { type: 'error', status: 429, message: 'Rate limit', errorType: 'rate_limit_exceeded' }
  ], differing: [] })
})
