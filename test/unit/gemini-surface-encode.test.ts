import t from 'tap'
import { JsonArrayWriter } from '../../plugins/sse-writer.js'
import type { ChatResponse } from '../../schemas/canonical.js'
import {
  decodeGeminiRequest, encodeGeminiCountTokensResponse, encodeGeminiModelList, encodeGeminiResponse, geminiCodec
} from '../../routes/gemini/codec/index.js'
import { fromGeminiResponse } from '../../providers/gemini-custom/response.js'
import { fromThoughtSignature, toThoughtSignature } from '../../schemas/gemini/signatures.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { fixedContext } from './gemini-helpers.js'

const response: ChatResponse = {
  id: 'resp-1',
  model: 'claude-sonnet-4-5',
  created: 1_760_000_000,
  content: [
    { type: 'reasoning', text: 'Thinking about units…', signature: 'EqQBCkYIBRgC', signatureSource: 'anthropic' },
    { type: 'text', text: 'It is 12C.' },
    { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    { type: 'tool_call', id: 'call_9', name: 'get_time', arguments: '' }
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 40, outputTokens: 42, reasoningTokens: 30, cacheReadTokens: 8 }
}

t.test('ChatResponse → GenerateContentResponse', async t => {
  const body = encodeGeminiResponse(response)
  t.same(body, {
    candidates: [{
      content: {
        role: 'model',
        parts: [
          { text: 'Thinking about units…', thought: true, thoughtSignature: toThoughtSignature('EqQBCkYIBRgC', 'anthropic') },
          { text: 'It is 12C.' },
          { functionCall: { id: 'toolu_01', name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { id: 'call_9', name: 'get_time', args: {} } }
        ]
      },
      finishReason: 'STOP',
      index: 0
    }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 82, thoughtsTokenCount: 30, cachedContentTokenCount: 8 },
    modelVersion: 'claude-sonnet-4-5',
    responseId: 'resp-1'
  })
  t.equal(JSON.stringify(body).includes('"event"'), false)
  const carried = body.candidates?.[0]?.content?.parts[0]?.thoughtSignature ?? ''
  t.match(carried, /^[A-Za-z0-9+/]+=*$/, 'the carried signature is valid base64')
  t.same(fromThoughtSignature(carried), { signature: 'EqQBCkYIBRgC', source: 'anthropic' })
})

t.test('finish reasons and extra choices', async t => {
  const base = { ...response, content: [{ type: 'text' as const, text: 'x' }] }
  const reason = (r: ChatResponse['finishReason']) => encodeGeminiResponse({ ...base, finishReason: r }).candidates?.[0]?.finishReason
  t.equal(reason('stop'), 'STOP')
  t.equal(reason('stop_sequence'), 'STOP')
  t.equal(reason('length'), 'MAX_TOKENS')
  t.equal(reason('context_window'), 'MAX_TOKENS')
  t.equal(reason('content_filter'), 'SAFETY')
  t.equal(reason('error'), 'OTHER')
  t.equal(reason('pause'), 'STOP')
  const multi = encodeGeminiResponse({ ...base, choices: [{ content: [{ type: 'text', text: 'y' }], finishReason: 'length' }] })
  t.same(multi.candidates?.[1], { content: { role: 'model', parts: [{ text: 'y' }] }, finishReason: 'MAX_TOKENS', index: 1 })
  const empty = encodeGeminiResponse({ ...base, content: [], finishReason: 'content_filter' })
  t.same(empty.candidates, [{ finishReason: 'SAFETY', index: 0 }])
})

t.test('a Gemini upstream response survives decode → encode', async t => {
  const upstream = {
    candidates: [{
      content: {
        role: 'model',
        parts: [
          { text: 'Thinking…', thought: true },
          { text: 'It is 12C.', thoughtSignature: 'VGV4dFNpZw==' },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'Q2FsbFNpZw==' }
        ]
      },
      finishReason: 'STOP',
      index: 0,
      safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }],
      groundingMetadata: { webSearchQueries: ['oslo weather'] }
    }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, thoughtsTokenCount: 30, totalTokenCount: 82 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'abc'
  }
  const canonical = fromGeminiResponse(upstream, fixedContext())
  const body = encodeGeminiResponse(canonical)
  const expected = structuredClone(upstream)
  const call = expected.candidates[0]?.content.parts[2]?.functionCall as Record<string, unknown>
  call.id = 'call_1'
  t.same(body, expected)
})

t.test('a continuationToken from upstream is never shown to the client', async t => {
  const canonical = fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP', continuationToken: 'tok', avgLogprobs: -0.5 }] }, fixedContext())
  t.same(encodeGeminiResponse(canonical).candidates?.[0], { content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: 'STOP', index: 0, avgLogprobs: -0.5 })
})

t.test('a blocked prompt is written without candidates', async t => {
  const upstream = { promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 }, modelVersion: 'gemini-2.5-flash', responseId: 'r' }
  const canonical = fromGeminiResponse(upstream, fixedContext())
  t.equal(canonical.finishReason, 'content_filter')
  t.same(encodeGeminiResponse(canonical), { ...upstream, usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 0, totalTokenCount: 5 } })
})

t.test('renderError: Google envelope, status names, RetryInfo, headers', async t => {
  const cases: Array<[number, string]> = [
    [400, 'INVALID_ARGUMENT'], [401, 'UNAUTHENTICATED'], [403, 'PERMISSION_DENIED'], [404, 'NOT_FOUND'], [409, 'ABORTED'],
    [413, 'INVALID_ARGUMENT'], [429, 'RESOURCE_EXHAUSTED'], [500, 'INTERNAL'], [502, 'UNAVAILABLE'], [503, 'UNAVAILABLE'], [504, 'DEADLINE_EXCEEDED']
  ]
  for (const [status, name] of cases) {
    const rendered = geminiCodec.renderError(new GatewayError({ kind: 'internal', status, message: `m${status}` }))
    t.same(rendered.body, { error: { code: status, message: `m${status}`, status: name } }, `${status}`)
    t.equal(rendered.status, status)
    t.equal(rendered.headers['content-type'], 'application/json; charset=utf-8')
  }
  const overloaded = geminiCodec.renderError(new GatewayError({ kind: 'overloaded', status: 529, message: 'busy' }))
  t.equal(overloaded.status, 503)
  t.same(overloaded.body, { error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } })

  const limited = geminiCodec.renderError(new GatewayError({ kind: 'rate_limit', status: 429, message: 'slow down', retryAfter: 30, shouldRetry: false }))
  t.same(limited.body, { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }] } })
  t.same(limited.headers, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '30', 'x-should-retry': 'false' })
})

t.test('renderError forwards a Gemini upstream body verbatim, not another protocol\'s', async t => {
  const geminiBody = '{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}'
  const fromGemini = geminiCodec.renderError(upstreamHttpError(400, {}, geminiBody, 'gemini', { message: 'API key not valid.' }))
  t.same(fromGemini.body, JSON.parse(geminiBody))
  const fromOpenAI = geminiCodec.renderError(upstreamHttpError(400, {}, '{"error":{"message":"bad","type":"invalid_request_error"}}', 'openai', { message: 'bad' }))
  t.same(fromOpenAI.body, { error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } })
  const garbage = geminiCodec.renderError(upstreamHttpError(502, {}, '<html>bad gateway</html>', 'gemini'))
  t.same(garbage.body, { error: { code: 502, message: 'Upstream returned HTTP 502', status: 'UNAVAILABLE' } })
})

t.test('editSystem and withModel for passthrough', async t => {
  const body = { model: 'gemini-2.5-flash', contents: [{ role: 'user' as const, parts: [{ text: 'hi' }] }], systemInstruction: { role: 'user', parts: [{ text: 'A' }, { text: 'B' }] }, safetySettings: [] }
  const edited = geminiCodec.editSystem(body, blocks => [{ type: 'text', text: 'Gateway rules' }, ...blocks])
  t.same(edited.systemInstruction, { role: 'user', parts: [{ text: 'Gateway rules' }, { text: 'A' }, { text: 'B' }] })
  t.same(body.systemInstruction.parts, [{ text: 'A' }, { text: 'B' }], 'the input is not modified')
  t.same(geminiCodec.editSystem({ contents: body.contents, systemInstruction: 'plain' }, blocks => blocks).systemInstruction, { parts: [{ text: 'plain' }] })
  t.same(geminiCodec.editSystem({ contents: body.contents }, () => [{ type: 'text', text: 'new' }]).systemInstruction, { parts: [{ text: 'new' }] })
  t.notOk('systemInstruction' in geminiCodec.editSystem(body, () => []))
  const moved = geminiCodec.withModel({ ...body, stream: true }, 'gemini-2.5-pro')
  t.notOk('model' in moved, 'the model travels in the URL, never in a Gemini body')
  t.notOk('stream' in moved, 'so does the stream flag')
  t.same(moved.safetySettings, [])
})

t.test('model list and countTokens responses', async t => {
  const models = Array.from({ length: 5 }, (_, i) => ({ id: `gemini-${i}`, provider: 'p', inputTokenLimit: 1048576, thinking: i % 2 === 0 }))
  const first = encodeGeminiModelList(models, { pageSize: 2 })
  t.same(first.models[0], {
    name: 'models/gemini-0', baseModelId: 'gemini-0', version: '001', displayName: 'gemini-0',
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'], inputTokenLimit: 1048576, thinking: true
  })
  t.equal(first.models.length, 2)
  const second = encodeGeminiModelList(models, { pageSize: 2, ...(first.nextPageToken === undefined ? {} : { pageToken: first.nextPageToken }) })
  t.same(second.models.map(m => m.name), ['models/gemini-2', 'models/gemini-3'])
  const last = encodeGeminiModelList(models, { pageSize: 2, ...(second.nextPageToken === undefined ? {} : { pageToken: second.nextPageToken }) })
  t.same(last.models.map(m => m.name), ['models/gemini-4'])
  t.equal(last.nextPageToken, undefined)
  t.throws(() => encodeGeminiModelList(models, { pageToken: '!!' }), { name: 'GatewayError', status: 400 })
  t.same(encodeGeminiCountTokensResponse(12), { totalTokens: 12 })
  t.same(encodeGeminiCountTokensResponse(12, 4), { totalTokens: 12, cachedContentTokenCount: 4 })
})

t.test('JSON array framing for streamGenerateContent without alt=sse', async t => {
  const framer = new JsonArrayWriter()
  const text = framer.write([{ data: { a: 1 } }, { data: { b: 2 } }]) + framer.write([]) + framer.write([{ data: { c: 3 } }]) + framer.end()
  t.equal(text, '[{"a":1},\r\n{"b":2},\r\n{"c":3}]')
  t.same(JSON.parse(text), [{ a: 1 }, { b: 2 }, { c: 3 }])
  t.equal(new JsonArrayWriter().end(), '[]')
})

t.test('a Gemini client replaying a carried signature gets its source back', async t => {
  const body = encodeGeminiResponse(response)
  const parts = body.candidates?.[0]?.content?.parts ?? []
  const req = decodeGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'q' }] }, { role: 'model', parts }] }, 'm', fixedContext())
  t.same(req.messages[1]?.content[0], { type: 'reasoning', text: 'Thinking about units…', signature: 'EqQBCkYIBRgC', signatureSource: 'anthropic' })
})
