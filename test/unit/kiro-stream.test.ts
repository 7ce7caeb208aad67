import t from 'tap'
import type { StreamEvent } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { EventStreamFramer, type KiroFrame } from '../../providers/claude-kiro-oauth/event-stream-framer.js'
import { createKiroStreamDecoder, decodeKiroStream, type KiroDecoderOptions } from '../../providers/claude-kiro-oauth/stream.js'
import { fromKiroEvents, readKiroResponse } from '../../providers/claude-kiro-oauth/response.js'
import { isGatewayError } from '../../plugins/gateway-error.js'
import { encodeKiroFrame, type FakeKiroEvent } from '../fakes/kiro-server.js'

function fixedContext (): TranslateContext {
  let n = 0
  return { now: () => 1_760_000_000_000, id: (prefix) => `${prefix}${++n}` }
}

const LONG_NAME = 'mcp__workspace_tools__search_the_entire_repository_for_symbol_definitions_and_usages'
const KIRO_LONG_NAME = 'mcp__workspace_tools__search_the_entire_repository_for_s_1a2b3c4d'

const options: KiroDecoderOptions = {
  model: 'claude-sonnet-4-5',
  toolNameMap: new Map([['get_weather', 'get_weather'], [KIRO_LONG_NAME, LONG_NAME]]),
  estimateInputTokens: () => 1234,
  countTokens: (text) => text.length
}

/** A realistic answer: reasoning with a signature, text, two tool calls with fragmented input, bookkeeping events. */
const realistic: FakeKiroEvent[] = [
  { eventType: 'reasoningContentEvent', payload: { text: 'The user wants the weather ' } },
  { eventType: 'reasoningContentEvent', payload: { text: 'in two cities.' } },
  { eventType: 'reasoningContentEvent', payload: { signature: 'sig-kiro-abc' } },
  { eventType: 'assistantResponseEvent', payload: { content: 'Checking Oslo ', conversationId: 'c-1', messageStatus: 'COMPLETED' } },
  { eventType: 'assistantResponseEvent', payload: { content: 'and Bergen — één moment.' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_A' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_A', input: '{"ci' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_A', input: 'ty":"Oslo"}' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_A', stop: true } },
  { eventType: 'toolUseEvent', payload: { name: KIRO_LONG_NAME, toolUseId: 'tooluse_B', input: '{"symbol":' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tooluse_A', input: '{"city":"Oslo"}', stop: true } },
  { eventType: 'toolUseEvent', payload: { name: KIRO_LONG_NAME, toolUseId: 'tooluse_B', input: '"Bergen"}' } },
  { eventType: 'toolUseEvent', payload: { name: KIRO_LONG_NAME, toolUseId: 'tooluse_B', stop: true } },
  { eventType: 'followupPromptEvent', payload: { followupPrompt: { content: 'More?' } } },
  { eventType: 'meteringEvent', payload: { unit: 'credit', unitPlural: 'credits', usage: 0.42 } },
  { eventType: 'contextUsageEvent', payload: { contextUsagePercentage: 3.2 } },
  { eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 1500, cacheReadInputTokens: 4000, cacheWriteInputTokens: 500, outputTokens: 120, totalTokens: 6120 } } }
]

const expected: StreamEvent[] = [
  { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
  { type: 'reasoning_delta', text: 'The user wants the weather ' },
  { type: 'reasoning_delta', text: 'in two cities.' },
  { type: 'reasoning_signature', signature: 'sig-kiro-abc', source: 'kiro' },
  { type: 'text_delta', text: 'Checking Oslo ' },
  { type: 'text_delta', text: 'and Bergen — één moment.' },
  { type: 'tool_call_start', index: 0, id: 'tooluse_A', name: 'get_weather' },
  { type: 'tool_call_delta', index: 0, arguments: '{"ci' },
  { type: 'tool_call_delta', index: 0, arguments: 'ty":"Oslo"}' },
  { type: 'tool_call_start', index: 1, id: 'tooluse_B', name: LONG_NAME },
  { type: 'tool_call_delta', index: 1, arguments: '{"symbol":' },
  { type: 'tool_call_delta', index: 1, arguments: '"Bergen"}' },
  {
    type: 'finish',
    reason: 'tool_calls',
    usage: { inputTokens: 6000, outputTokens: 120, cacheReadTokens: 4000, cacheWriteTokens: 500 }
  }
]

function framesOf (events: FakeKiroEvent[]): KiroFrame[] {
  const framer = new EventStreamFramer()
  const frames = framer.push(Buffer.concat(events.map(encodeKiroFrame)))
  framer.end()
  return frames
}

function decode (events: FakeKiroEvent[], opts: KiroDecoderOptions = options): StreamEvent[] {
  const decoder = createKiroStreamDecoder(fixedContext(), opts)
  const out: StreamEvent[] = []
  for (const frame of framesOf(events)) out.push(...decoder.push(frame))
  out.push(...decoder.end())
  return out
}

async function * body (...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p
}

t.test('a realistic sequence becomes canonical events', async (t) => {
  t.same(decode(realistic), expected)
})

t.test('nested payloads decode the same as bare ones', async (t) => {
  t.same(decode(realistic.map((e) => ({ ...e, nested: true }))), expected)
})

t.test('the byte stream split at every offset decodes the same', async (t) => {
  const bytes = Buffer.concat(realistic.map(encodeKiroFrame))
  for (let i = 0; i <= bytes.length; i++) {
    const out: StreamEvent[] = []
    const decoder = createKiroStreamDecoder(fixedContext(), options)
    for await (const batch of decodeKiroStream(body(bytes.subarray(0, i), bytes.subarray(i)), decoder)) out.push(...batch)
    if (JSON.stringify(out) !== JSON.stringify(expected)) return t.fail(`split at ${i} differs`)
  }
  t.pass(`${bytes.length + 1} splits agree`)
})

t.test('tool input as a whole object, a re-sent object, and fragments without an id', async (t) => {
  const out = decode([
    { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 't1', input: { city: 'Oslo' } } },
    { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 't1', input: { city: 'Oslo' } } },
    { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 't1', stop: true } },
    { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 't2' } },
    { eventType: 'toolUseEvent', payload: { input: '{"city":' } },
    { eventType: 'toolUseEvent', payload: { input: '"Bergen"}' } },
    { eventType: 'toolUseEvent', payload: { stop: true } },
    { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 't3', stop: true } }
  ])
  t.same(out.slice(1, -1), [
    { type: 'tool_call_start', index: 0, id: 't1', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":"Oslo"}' },
    { type: 'tool_call_start', index: 1, id: 't2', name: 'get_weather' },
    { type: 'tool_call_delta', index: 1, arguments: '{"city":' },
    { type: 'tool_call_delta', index: 1, arguments: '"Bergen"}' },
    { type: 'tool_call_start', index: 2, id: 't3', name: 'get_weather' },
    { type: 'tool_call_delta', index: 2, arguments: '{}' }
  ])
  t.match(out.at(-1), { type: 'finish', reason: 'tool_calls' })
})

t.test('without metadataEvent usage is estimated', async (t) => {
  const withContext = decode([
    { eventType: 'assistantResponseEvent', payload: { content: 'Hello there' } },
    { eventType: 'contextUsageEvent', payload: { contextUsagePercentage: 2.5 } }
  ])
  t.same(withContext.at(-1), { type: 'finish', reason: 'stop', usage: { inputTokens: 5000, outputTokens: 11, estimated: true } })
  const bare = decode([{ eventType: 'assistantResponseEvent', payload: { content: 'Hi' } }], { ...options, countTokens: undefined })
  t.same(bare.at(-1), { type: 'finish', reason: 'stop', usage: { inputTokens: 1234, outputTokens: 1, estimated: true } })
  const custom = decode([{ eventType: 'contextUsageEvent', payload: { contextUsagePercentage: 10 } }], { ...options, contextWindow: 1_000_000 })
  t.match(custom.at(-1), { usage: { inputTokens: 100_000, outputTokens: 0, estimated: true } })
})

t.test('an exception frame becomes one error event and ends the stream', async (t) => {
  const out = decode([
    { eventType: 'assistantResponseEvent', payload: { content: 'Part' } },
    { messageType: 'exception', exceptionType: 'ThrottlingException', payload: { message: 'Too many requests, please wait before trying again.' } },
    { eventType: 'assistantResponseEvent', payload: { content: 'never shown' } }
  ])
  t.same(out, [
    { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
    { type: 'text_delta', text: 'Part' },
    { type: 'error', status: 429, message: 'Too many requests, please wait before trying again.', errorType: 'ThrottlingException' }
  ])
  const quota = decode([{ messageType: 'exception', exceptionType: 'ServiceQuotaExceededException', payload: { message: 'MONTHLY_REQUEST_COUNT reached' } }])
  t.match(quota.at(-1), { type: 'error', status: 402 })
  const error = decode([{ messageType: 'error', errorCode: 'InternalFailure', errorMessage: 'Internal failure' }])
  t.same(error.at(-1), { type: 'error', status: 502, message: 'Internal failure', errorType: 'InternalFailure' })
  const tooLong = decode([{ messageType: 'exception', exceptionType: 'com.amazon.aws.codewhisperer#ContentLengthExceededException', payload: { message: 'Input is too long.' } }])
  t.same(tooLong.at(-1), { type: 'error', status: 400, message: 'Input is too long.', errorType: 'ContentLengthExceededException' })
  const invalid = decode([{ eventType: 'invalidStateEvent', payload: { reason: 'INVALID_TASK', message: 'bad' } }])
  t.same(invalid.at(-1), { type: 'error', status: 502, message: 'Kiro reported an invalid state (INVALID_TASK): bad', errorType: 'invalidStateEvent' })
})

t.test('text-form tool calls of declared tools are lifted out, across event boundaries', async (t) => {
  const out = decode([
    { eventType: 'assistantResponseEvent', payload: { content: 'Sure. [Cal' } },
    { eventType: 'assistantResponseEvent', payload: { content: 'led get_weather with args: {"city":"Oslo ["}' } },
    { eventType: 'assistantResponseEvent', payload: { content: '] done [link](x) [Called rm_rf with args: {}]' } }
  ])
  t.same(out.slice(1), [
    { type: 'text_delta', text: 'Sure. ' },
    { type: 'tool_call_start', index: 0, id: 'tooluse_2', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":"Oslo ["}' },
    { type: 'text_delta', text: ' done [link](x) [Called rm_rf with args: {}]' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 1234, outputTokens: 67, estimated: true } }
  ])
  const noTools = decode([{ eventType: 'assistantResponseEvent', payload: { content: '[Called get_weather with args: {}]' } }], { ...options, toolNameMap: new Map() })
  t.same(noTools[1], { type: 'text_delta', text: '[Called get_weather with args: {}]' })
})

t.test('reasoning: redacted content and a held-back text flushed before it', async (t) => {
  const out = decode([
    { eventType: 'assistantResponseEvent', payload: { content: 'a [Called' } },
    { eventType: 'reasoningContentEvent', payload: { redactedContent: 'opaque==' } }
  ])
  t.same(out.slice(1, 4), [
    { type: 'text_delta', text: 'a ' },
    { type: 'text_delta', text: '[Called' },
    { type: 'redacted_reasoning', data: 'opaque==' }
  ])
})

t.test('fromKiroEvents assembles a full response', async (t) => {
  const res = fromKiroEvents(framesOf(realistic), fixedContext(), options)
  t.same(res, {
    id: 'msg_1',
    model: 'claude-sonnet-4-5',
    created: 1_760_000_000,
    content: [
      { type: 'reasoning', text: 'The user wants the weather in two cities.', signature: 'sig-kiro-abc', signatureSource: 'kiro' },
      { type: 'text', text: 'Checking Oslo and Bergen — één moment.' },
      { type: 'tool_call', id: 'tooluse_A', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'tool_call', id: 'tooluse_B', name: LONG_NAME, arguments: '{"symbol":"Bergen"}' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 6000, outputTokens: 120, cacheReadTokens: 4000, cacheWriteTokens: 500 }
  })
  const viaBody = await readKiroResponse(body(Buffer.concat(realistic.map(encodeKiroFrame))), fixedContext(), options)
  t.same(viaBody, res)
})

t.test('fromKiroEvents turns an in-stream exception into a GatewayError', async (t) => {
  const frames = framesOf([{ messageType: 'exception', exceptionType: 'ValidationException', payload: { message: 'Input is too long.' } }])
  try {
    fromKiroEvents(frames, fixedContext(), options)
    t.fail('should throw')
  } catch (err) {
    t.ok(isGatewayError(err))
    t.match(err, { status: 400, kind: 'invalid_request', message: 'Input is too long.', code: 'ValidationException' })
  }
})
