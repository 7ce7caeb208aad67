import t from 'tap'
import { fromClaudeResponse } from '../../providers/claude-custom/response.js'
import { claudeErrorDetails } from '../../providers/claude-custom/errors.js'
import { anthropicReader } from '../../providers/claude-custom/reader.js'
import { claudeCodec } from '../../routes/claude/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { catchError, fixedContext } from './claude-helpers.js'

const message = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'thinking', thinking: 'The user wants weather.', signature: 'EqQBCkYIBxgCKkB' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3' },
    { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'oslo' } },
    { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
    { type: 'text', text: 'Checking.', citations: null },
    { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Oslo', unit: 'celsius' } }
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 40, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 30, service_tier: 'standard' }
}

t.test('fromClaudeResponse', async (t) => {
  const res = fromClaudeResponse(message, fixedContext(1_760_000_000_500))
  t.same(res, {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    model: 'claude-sonnet-4-5-20250929',
    created: 1760000000,
    content: [
      { type: 'reasoning', text: 'The user wants weather.', signature: 'EqQBCkYIBxgCKkB', signatureSource: 'anthropic' },
      { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3', signatureSource: 'anthropic' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 1240, outputTokens: 30, cacheReadTokens: 1000, cacheWriteTokens: 200 },
    extras: {
      anthropic: {
        content: [
          { index: 2, block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'oslo' } } },
          { index: 3, block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } }
        ]
      }
    }
  })
  t.equal(anthropicReader.protocol, 'anthropic')
  t.same(anthropicReader.decodeResponse(message, fixedContext(1_760_000_000_500)), res)
})

t.test('Claude → canonical → Claude gives the upstream message back', async (t) => {
  const back = claudeCodec.encodeResponse(fromClaudeResponse(message, fixedContext()), { model: 'x', system: [], messages: [], stream: false }, fixedContext())
  const { content, ...rest } = message
  t.same(back, { ...rest, content: content.map((b) => b.type === 'text' ? { type: 'text', text: b.text } : b), usage: { input_tokens: 40, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 30 } })
})

t.test('thinking tokens map to reasoning tokens both ways', async (t) => {
  const res = fromClaudeResponse({ content: [], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } } }, fixedContext())
  t.same(res.usage, { inputTokens: 5, outputTokens: 40, reasoningTokens: 25 })
  t.match(claudeCodec.encodeResponse(res, { model: 'x', system: [], messages: [], stream: false }, fixedContext()), {
    usage: { input_tokens: 5, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } }
  })
})

t.test('stop sequences, missing fields and bad bodies', async (t) => {
  const res = fromClaudeResponse({ content: [{ type: 'text', text: 'a' }], stop_reason: 'stop_sequence', stop_sequence: '###', usage: { input_tokens: 3, output_tokens: 1 } }, fixedContext())
  t.match(res, { id: 'msg_test1', model: '', finishReason: 'stop_sequence', stopSequence: '###', usage: { inputTokens: 3, outputTokens: 1 } })
  t.same(fromClaudeResponse({ content: [], stop_reason: 'refusal' }, fixedContext()).finishReason, 'content_filter')
  t.same(fromClaudeResponse({ content: [], stop_reason: 'model_context_window_exceeded' }, fixedContext()).finishReason, 'context_window')
  t.same(fromClaudeResponse({ content: [], stop_reason: 'pause_turn' }, fixedContext()).finishReason, 'pause')
  t.same(fromClaudeResponse({ content: [], stop_reason: 'max_tokens' }, fixedContext()).finishReason, 'length')
  t.same(fromClaudeResponse({ content: [], stop_reason: 'something_new' }, fixedContext()).finishReason, 'stop')
  for (const bad of [null, 'text', [], { type: 'message' }]) {
    const err = catchError(() => fromClaudeResponse(bad, fixedContext()))
    t.ok(err instanceof GatewayError)
    t.match(err, { status: 502, kind: 'bad_gateway' })
  }
})

t.test('claudeErrorDetails', async (t) => {
  t.same(claudeErrorDetails('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}'), { message: 'Overloaded', kind: 'overloaded' })
  t.same(claudeErrorDetails('{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}'), { message: 'max_tokens: Field required' })
  t.same(claudeErrorDetails('{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}'), { message: 'Number of request tokens has exceeded your per-minute rate limit', kind: 'rate_limit' })
  t.same(claudeErrorDetails('{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}'), { message: 'Your credit balance is too low to access the Anthropic API.', kind: 'billing', shouldRetry: false })
  t.same(claudeErrorDetails('<html>502 Bad Gateway</html>'), {})
  t.same(claudeErrorDetails('{"error":"nope"}'), {})
  const err = upstreamHttpError(529, { 'retry-after': '10' }, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'anthropic', claudeErrorDetails('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'))
  t.match(err, { status: 529, kind: 'overloaded', message: 'Overloaded', retryAfter: 10 })
})
