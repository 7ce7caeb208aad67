import t from 'tap'
import type { StreamEvent } from '../../schemas/canonical.js'
import { createClaudeStreamDecoder } from '../../providers/claude-custom/stream.js'
import { anthropicReader } from '../../providers/claude-custom/reader.js'
import { claudeCodec } from '../../routes/claude/codec/index.js'
import { decodeChunks, fixedContext, sdkFinalMessage, serializeSse, splitsOf } from './claude-helpers.js'

function sse (events: Array<Record<string, unknown> & { type: string }>): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('')
}

/** What api.anthropic.com sends for thinking, text with multi-byte characters and two tool calls. */
const toolStream = sse([
  { type: 'message_start', message: { id: 'msg_014p7gG3wDgGV9EUtLvnow3U', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 472, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 2, service_tier: 'standard' } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Wetter in Zürich 🌦' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCkYIBxgCKkBsig==' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'ping' },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Ich prüfe ' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'das — 天気.' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": "Zü' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'rich"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} } },
  { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"tz":"Europe/Zurich"}' } },
  { type: 'content_block_stop', index: 3 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
  { type: 'message_stop' }
])

const expected: StreamEvent[] = [
  { type: 'start', id: 'msg_014p7gG3wDgGV9EUtLvnow3U', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 2572, outputTokens: 2, cacheReadTokens: 2000, cacheWriteTokens: 100 } },
  { type: 'reasoning_delta', text: 'Wetter in Zürich 🌦' },
  { type: 'reasoning_signature', signature: 'EqQBCkYIBxgCKkBsig==', source: 'anthropic' },
  { type: 'text_delta', text: 'Ich prüfe ' },
  { type: 'text_delta', text: 'das — 天気.' },
  { type: 'tool_call_start', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
  { type: 'tool_call_delta', index: 0, arguments: '{"city": "Zü' },
  { type: 'tool_call_delta', index: 0, arguments: 'rich"}' },
  { type: 'tool_call_start', index: 1, id: 'toolu_02', name: 'get_time' },
  { type: 'tool_call_delta', index: 1, arguments: '{"tz":"Europe/Zurich"}' },
  { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 2572, outputTokens: 89, cacheReadTokens: 2000, cacheWriteTokens: 100 } }
]

t.test('a realistic stream decodes the same at every byte split', async (t) => {
  const bytes = new TextEncoder().encode(toolStream)
  const whole = await decodeChunks([bytes], createClaudeStreamDecoder(fixedContext()))
  t.same(whole, expected)
  let mismatches = 0
  for (const parts of splitsOf(bytes)) {
    const events = await decodeChunks(parts, createClaudeStreamDecoder(fixedContext()))
    if (JSON.stringify(events) !== JSON.stringify(expected)) mismatches++
  }
  t.equal(mismatches, 0, `all ${bytes.length + 1} splits agree`)
  const single = Array.from(bytes, (b) => Uint8Array.of(b))
  t.same(await decodeChunks(single, anthropicReader.createStreamDecoder(fixedContext())), expected, 'one byte per chunk')
  const crlf = new TextEncoder().encode(toolStream.replace(/\n/g, '\r\n'))
  t.same(await decodeChunks([crlf], createClaudeStreamDecoder(fixedContext())), expected, 'CRLF line endings')
})

t.test('upstream stream → canonical → Claude surface gives the SDK the same message', async (t) => {
  const direct = await sdkFinalMessage(toolStream)
  const enc = claudeCodec.createStreamEncoder({ model: 'x', system: [], messages: [], stream: true }, fixedContext())
  const out = expected.flatMap((e) => enc.encode(e))
  out.push(...enc.end())
  const relayed = await sdkFinalMessage(serializeSse(out))
  // usage.service_tier has no canonical field; everything else arrives intact.
  const { service_tier: _tier, ...usage } = direct.usage
  t.same(relayed, { ...direct, usage })
})

t.test('message_delta usage totals, stop sequences, redacted thinking and whole tool input', async (t) => {
  const text = sse([
    { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_9', name: 'f', input: { a: 1 } } },
    { type: 'content_block_stop', index: 2 },
    { type: 'content_block_start', index: 3, content_block: { type: 'text', text: 'Hi' } },
    { type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation: { type: 'char_location' } } },
    { type: 'content_block_stop', index: 3 },
    { type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' }, usage: { output_tokens: 7, input_tokens: 12, cache_read_input_tokens: 5 } },
    { type: 'message_stop' }
  ])
  t.same(await decodeChunks([new TextEncoder().encode(text)], createClaudeStreamDecoder(fixedContext())), [
    { type: 'start', id: 'msg_1', model: 'm', usage: { inputTokens: 10, outputTokens: 1 } },
    { type: 'redacted_reasoning', data: 'EmwKAhgB' },
    { type: 'tool_call_start', index: 0, id: 'toolu_9', name: 'f' },
    { type: 'tool_call_delta', index: 0, arguments: '{"a":1}' },
    { type: 'text_delta', text: 'Hi' },
    { type: 'finish', reason: 'stop_sequence', stopSequence: 'END', usage: { inputTokens: 17, outputTokens: 7, cacheReadTokens: 5 } }
  ])
})

t.test('errors: event: error, a cut-off stream, malformed data', async (t) => {
  const overloaded = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
  const events = await decodeChunks([new TextEncoder().encode(overloaded)], createClaudeStreamDecoder(fixedContext()))
  t.same(events.slice(1), [{ type: 'error', status: 529, message: 'Overloaded', errorType: 'overloaded_error' }])

  const cut = toolStream.slice(0, toolStream.indexOf('event: message_delta'))
  const cutEvents = await decodeChunks([new TextEncoder().encode(cut)], createClaudeStreamDecoder(fixedContext()))
  t.match(cutEvents.at(-1), { type: 'error', status: 502 })
  t.notOk(cutEvents.some((e) => e.type === 'finish'))

  const noStop = toolStream.slice(0, toolStream.indexOf('event: message_stop'))
  t.match((await decodeChunks([new TextEncoder().encode(noStop)], createClaudeStreamDecoder(fixedContext()))).at(-1), { type: 'finish', reason: 'tool_calls' }, 'message_delta is enough to finish')

  const garbage = await decodeChunks([new TextEncoder().encode('event: message_start\ndata: {"type":"message_st\n\n')], createClaudeStreamDecoder(fixedContext()))
  t.match(garbage, [{ type: 'error', status: 502, errorType: 'api_error' }])

  const dec = createClaudeStreamDecoder(fixedContext())
  dec.push({ event: 'message_stop', data: '{"type":"message_stop"}' })
  t.same(dec.push({ event: 'message_start', data: '{"type":"message_start","message":{}}' }), [], 'nothing after the finish')
  t.same(dec.end(), [])
})
