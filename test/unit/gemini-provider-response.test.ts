import t from 'tap'
import { fromGeminiResponse } from '../../providers/gemini-custom/response.js'
import { geminiErrorDetails } from '../../providers/gemini-custom/errors.js'
import { geminiReader } from '../../providers/gemini-custom/reader.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext } from './gemini-helpers.js'

t.test('generateContent response → canonical', async t => {
  const res = fromGeminiResponse({
    candidates: [{
      content: {
        role: 'model',
        parts: [
          { text: '**Weighing** units', thought: true },
          { text: 'It is 12°C.' },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'CpUB' },
          { functionCall: { id: 'fc-given', name: 'get_time' } }
        ]
      },
      finishReason: 'STOP',
      index: 0,
      citationMetadata: { citationSources: [{ uri: 'https://x' }] }
    }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, thoughtsTokenCount: 30, toolUsePromptTokenCount: 5, cachedContentTokenCount: 16, totalTokenCount: 87 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'abc',
    promptFeedback: { safetyRatings: [] }
  }, fixedContext())
  t.same(res, {
    id: 'abc',
    model: 'gemini-2.5-flash',
    created: 1_760_000_000,
    content: [
      { type: 'reasoning', text: '**Weighing** units' },
      { type: 'text', text: 'It is 12°C.' },
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}', signature: 'CpUB', signatureSource: 'gemini' },
      { type: 'tool_call', id: 'fc-given', name: 'get_time', arguments: '{}' }
    ],
    finishReason: 'tool_calls',
    usage: { inputTokens: 45, outputTokens: 42, reasoningTokens: 30, cacheReadTokens: 16 },
    extras: { gemini: { candidate: { citationMetadata: { citationSources: [{ uri: 'https://x' }] } }, response: { promptFeedback: { safetyRatings: [] } } } }
  })
})

t.test('finish reasons, extra candidates, blocked prompts, garbage', async t => {
  const ctx = fixedContext()
  const one = (finishReason: string, parts: unknown[] = [{ text: 'x' }]) =>
    fromGeminiResponse({ candidates: [{ content: { parts }, finishReason }] }, ctx).finishReason
  t.equal(one('STOP'), 'stop')
  t.equal(one('MAX_TOKENS'), 'length')
  t.equal(one('MAX_TOKENS', [{ functionCall: { name: 'f', args: {} } }]), 'length')
  t.equal(one('SAFETY'), 'content_filter')
  t.equal(one('RECITATION'), 'content_filter')
  t.equal(one('PROHIBITED_CONTENT'), 'content_filter')
  t.equal(one('MALFORMED_FUNCTION_CALL', []), 'error')
  t.equal(one('OTHER'), 'error')
  t.equal(one('FINISH_REASON_UNSPECIFIED'), 'stop')

  const multi = fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' }, { content: { parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS', index: 1 }] }, ctx)
  t.same(multi.choices, [{ content: [{ type: 'text', text: 'b' }], finishReason: 'length' }])

  const blocked = fromGeminiResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } }, ctx)
  t.equal(blocked.finishReason, 'content_filter')
  t.same(blocked.content, [])
  t.same(blocked.usage, { inputTokens: 9, outputTokens: 0 })

  const noUsage = fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'x', bogus: 1 }, 'junk', { functionCall: { args: {} } }] } }] }, ctx)
  t.same(noUsage.content, [{ type: 'text', text: 'x' }])
  t.same(noUsage.usage, { inputTokens: 0, outputTokens: 0 })

  t.throws(() => fromGeminiResponse('nope', ctx), new GatewayError({ kind: 'bad_gateway', status: 502, message: 'The Gemini upstream returned a response that is not a JSON object' }))
  t.equal(geminiReader.decodeResponse, fromGeminiResponse)
  t.equal(geminiReader.protocol, 'gemini')
})

t.test('error bodies: retry delay, quota, invalid key', async t => {
  // FORMATS.md §5 typical Code Assist 429.
  const quota = JSON.stringify({
    error: {
      code: 429, status: 'RESOURCE_EXHAUSTED', message: 'You have exhausted your capacity on this model. Your quota will reset after 2h5m.',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXHAUSTED', domain: 'cloudcode-pa.googleapis.com', metadata: { uiMessage: 'true', model: 'gemini-2.5-pro', quotaResetDelay: '2h5m', quotaResetTimeStamp: '2026-11-24T12:00:00Z' } },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7500s' }
      ]
    }
  })
  t.same(geminiErrorDetails(quota), {
    message: 'You have exhausted your capacity on this model. Your quota will reset after 2h5m.',
    retryAfter: 7500,
    code: 'insufficient_quota',
    shouldRetry: false
  })
  const err = upstreamHttpError(429, { 'retry-after': '1' }, quota, 'gemini', geminiErrorDetails(quota))
  t.match(err, { status: 429, kind: 'rate_limit', retryAfter: 7500, shouldRetry: false, credentialScoped: true })

  const resetOnly = JSON.stringify({ error: { code: 429, message: 'slow', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', metadata: { quotaResetDelay: '30m0s' } }] } })
  t.same(geminiErrorDetails(resetOnly), { message: 'slow', retryAfter: 1800, code: 'rate_limit_exceeded', shouldRetry: false })

  const short = JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }] } })
  t.same(geminiErrorDetails(short), { message: 'Resource has been exhausted', retryAfter: 2 })

  const perDay = JSON.stringify({ error: { code: 429, message: 'q', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] }, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' }] } })
  t.same(geminiErrorDetails(perDay), { message: 'q', retryAfter: 20, shouldRetry: false })

  const badKey = JSON.stringify({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } })
  t.same(geminiErrorDetails(badKey), { message: 'API key not valid. Please pass a valid API key.', code: 'invalid_api_key', status: 401, kind: 'authentication' })

  t.same(geminiErrorDetails(`[${short}]`).retryAfter, 2, 'the JSON-array stream form')
  t.same(geminiErrorDetails('<html>502</html>'), {})
  t.same(geminiErrorDetails('{"error":"flat"}'), {})
})
