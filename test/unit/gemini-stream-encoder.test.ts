import t from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai'
import { Value } from '@sinclair/typebox/value'
import type { ChatRequest, ChatResponse, StreamEvent } from '../../schemas/canonical.js'
import type { SseMessage } from '../../schemas/translate-context.js'
import { GeminiGenerateRequest } from '../../schemas/gemini/generate-request.js'
import { decodeGeminiRequest, geminiCodec } from '../../routes/gemini/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext } from './gemini-helpers.js'

const req: ChatRequest = { model: 'gemini-2.5-flash', system: [], messages: [], stream: true }

/** What the gateway's SSE writer does with an encoder message (data-only for Gemini). */
function serialize (messages: readonly SseMessage[], eol = '\n'): string {
  return messages.map(m => {
    const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data)
    return (m.event === undefined ? '' : `event: ${m.event}${eol}`) + `data: ${data}${eol}${eol}`
  }).join('')
}

const events: StreamEvent[] = [
  { type: 'start', id: 'resp-1', model: 'gemini-2.5-flash', usage: { inputTokens: 40 } },
  { type: 'reasoning_delta', text: 'Thinking about ' },
  { type: 'reasoning_delta', text: 'units…' },
  { type: 'reasoning_signature', signature: 'R2VtaW5p', source: 'gemini' },
  { type: 'text_delta', text: 'It is ' },
  { type: 'text_delta', text: '12°C in Oslo.' },
  { type: 'tool_call_start', index: 0, id: 'call_a', name: 'get_weather', signature: 'Q2FsbA==', signatureSource: 'gemini' },
  { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
  { type: 'tool_call_delta', index: 0, arguments: '"Rome"}' },
  { type: 'tool_call_start', index: 1, id: 'call_b', name: 'get_time' },
  { type: 'tool_call_delta', index: 1, arguments: '{}' },
  { type: 'usage', usage: { inputTokens: 40, outputTokens: 42, reasoningTokens: 30 } },
  { type: 'finish', reason: 'tool_calls' }
]

function encodeAll (list: readonly StreamEvent[]): SseMessage[] {
  const encoder = geminiCodec.createStreamEncoder(req, fixedContext())
  return [...list.flatMap(e => encoder.encode(e)), ...encoder.end()]
}

const c = (parts: unknown[]): string => JSON.stringify({ candidates: [{ content: { role: 'model', parts }, index: 0 }], modelVersion: 'gemini-2.5-flash', responseId: 'resp-1' })

t.test('byte-exact wire text: one data-only chunk per delta, calls whole, finish last', async t => {
  const text = serialize(encodeAll(events))
  t.equal(text, [
    `data: ${c([{ text: 'Thinking about ', thought: true }])}\n\n`,
    `data: ${c([{ text: 'units…', thought: true }])}\n\n`,
    `data: ${c([{ text: '', thought: true, thoughtSignature: 'R2VtaW5p' }])}\n\n`,
    `data: ${c([{ text: 'It is ' }])}\n\n`,
    `data: ${c([{ text: '12°C in Oslo.' }])}\n\n`,
    `data: ${c([{ functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'Q2FsbA==' }])}\n\n`,
    'data: {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"id":"call_b","name":"get_time","args":{}}}]},"finishReason":"STOP","index":0}],' +
      '"usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":12,"totalTokenCount":82,"thoughtsTokenCount":30},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"}\n\n'
  ].join(''))
  t.notOk(/^event:/m.test(text), 'no event: lines, ever')
  t.notOk(text.includes('[DONE]'))
})

t.test('usage after the finish repeats the finish reason; end() adds nothing', async t => {
  const encoder = geminiCodec.createStreamEncoder(req, fixedContext())
  const out = [
    ...encoder.encode({ type: 'start', id: 'r', model: 'm' }),
    ...encoder.encode({ type: 'text_delta', text: 'hi' }),
    ...encoder.encode({ type: 'finish', reason: 'length' }),
    ...encoder.encode({ type: 'usage', usage: { inputTokens: 3, outputTokens: 5 } })
  ]
  t.equal(out.length, 3)
  t.same(out[1]?.data, { candidates: [{ finishReason: 'MAX_TOKENS', index: 0 }], modelVersion: 'm', responseId: 'r' })
  t.same(out[2]?.data, { candidates: [{ finishReason: 'MAX_TOKENS', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 }, modelVersion: 'm', responseId: 'r' })
  t.same(encoder.end(), [])
})

t.test('errors: in-stream error events and error(err)', async t => {
  const encoder = geminiCodec.createStreamEncoder(req, fixedContext())
  t.same(encoder.encode({ type: 'error', status: 529, message: 'Overloaded', errorType: 'overloaded_error' }),
    [{ data: { error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } } }])
  t.same(encoder.encode({ type: 'error', status: 429, message: 'quota', errorType: 'RESOURCE_EXHAUSTED' }),
    [{ data: { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } } }])
  t.same(encoder.error(new GatewayError({ kind: 'timeout', status: 504, message: 'too slow' })),
    [{ data: { error: { code: 504, message: 'too slow', status: 'DEADLINE_EXCEEDED' } } }])
})

interface Served { url: string, requests: Array<{ path: string, body: unknown }>, close: () => Promise<void> }

async function serve (reply: (path: string, res: ServerResponse) => void): Promise<Served> {
  const requests: Served['requests'] = []
  const server = createServer((request: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      requests.push({ path: request.url ?? '', body: text === '' ? undefined : JSON.parse(text) })
      reply(request.url ?? '', res)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => await new Promise<void>(resolve => server.close(() => resolve()))
  }
}

function client (url: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: url } })
}

t.test('@google/genai generateContentStream reads the encoder output', async t => {
  for (const eol of ['\n', '\r\n']) {
    const wire = serialize(encodeAll(events), eol)
    const served = await serve((_path, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // Written in small pieces so the SDK's own buffering is exercised too (the ° is split mid-character).
      const bytes = Buffer.from(wire)
      for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7))
      res.end()
    })
    t.teardown(served.close)
    const chunks: GenerateContentResponse[] = []
    const stream = await client(served.url).models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Weather?' })
    for await (const chunk of stream) chunks.push(chunk)
    t.equal(served.requests[0]?.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
    t.equal(chunks.length, 7, `seven chunks (${JSON.stringify(eol)})`)
    const text = chunks.map(ch => ch.candidates?.[0]?.content?.parts?.filter(p => p.thought !== true).map(p => p.text ?? '').join('') ?? '').join('')
    t.equal(text, 'It is 12°C in Oslo.')
    const thoughts = chunks.flatMap(ch => ch.candidates?.[0]?.content?.parts?.filter(p => p.thought === true).map(p => p.text) ?? []).join('')
    t.equal(thoughts, 'Thinking about units…')
    const calls = chunks.flatMap(ch => ch.functionCalls ?? [])
    t.same(calls, [{ id: 'call_a', name: 'get_weather', args: { city: 'Rome' } }, { id: 'call_b', name: 'get_time', args: {} }])
    const last = chunks[chunks.length - 1]
    t.equal(last?.candidates?.[0]?.finishReason, 'STOP')
    t.same(last?.usageMetadata, { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 82, thoughtsTokenCount: 30 })
    t.ok(chunks.slice(0, -1).every(ch => ch.candidates?.[0]?.finishReason === undefined), 'only the last chunk finishes')
    t.equal(last?.responseId, 'resp-1')
  }
})

t.test('@google/genai turns an in-stream error chunk into ApiError', async t => {
  const encoder = geminiCodec.createStreamEncoder(req, fixedContext())
  const messages = [
    ...encoder.encode({ type: 'start', id: 'r', model: 'gemini-2.5-flash' }),
    ...encoder.encode({ type: 'text_delta', text: 'partial' }),
    ...encoder.error(new GatewayError({ kind: 'rate_limit', status: 429, message: 'Quota exceeded', retryAfter: 7 }))
  ]
  const served = await serve((_path, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end(serialize(messages))
  })
  t.teardown(served.close)
  const seen: string[] = []
  try {
    const stream = await client(served.url).models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' })
    for await (const chunk of stream) seen.push(chunk.text ?? '')
    t.fail('expected an ApiError')
  } catch (err) {
    t.ok(err instanceof ApiError)
    t.equal((err as ApiError).status, 429)
    t.match((err as ApiError).message, /RESOURCE_EXHAUSTED/)
    t.match((err as ApiError).message, /Quota exceeded/)
  }
  t.same(seen, ['partial'])
})

t.test('@google/genai generateContent: response body, rendered errors, and the request it sends', async t => {
  const response: ChatResponse = {
    id: 'resp-9', model: 'gemini-2.5-pro', created: 0, finishReason: 'tool_calls',
    content: [
      { type: 'reasoning', text: 'Plan', signature: 'U2ln', signatureSource: 'gemini' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool_call', id: 'call_x', name: 'lookup', arguments: '{"q":"a"}' }
    ],
    usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: 3 }
  }
  let fail = false
  const served = await serve((_path, res) => {
    if (fail) {
      const rendered = geminiCodec.renderError(new GatewayError({ kind: 'not_found', status: 404, message: 'model nope not found' }))
      res.writeHead(rendered.status, rendered.headers)
      res.end(JSON.stringify(rendered.body))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(geminiCodec.encodeResponse(response, req, fixedContext())))
  })
  t.teardown(served.close)
  const ai = client(served.url)
  const result = await ai.models.generateContent({
    model: 'gemini-2.5-pro',
    contents: [{ role: 'user', parts: [{ text: 'look up a' }] }],
    config: {
      systemInstruction: 'Be brief.',
      temperature: 0.3,
      maxOutputTokens: 256,
      tools: [{ functionDeclarations: [{ name: 'lookup', description: 'Find', parametersJsonSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['lookup'] } },
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH' as never, threshold: 'BLOCK_ONLY_HIGH' as never }]
    }
  })
  t.equal(result.text, 'Calling.')
  t.same(result.functionCalls, [{ id: 'call_x', name: 'lookup', args: { q: 'a' } }])
  t.equal(result.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature, 'U2ln')
  t.equal(result.usageMetadata?.thoughtsTokenCount, 3)
  t.equal(result.responseId, 'resp-9')

  // The SDK's own request body validates and decodes.
  const sent = served.requests[0]
  t.equal(sent?.path, '/v1beta/models/gemini-2.5-pro:generateContent')
  t.ok(Value.Check(GeminiGenerateRequest, sent?.body), 'the SDK body passes the schema')
  const decoded = decodeGeminiRequest(sent?.body as GeminiGenerateRequest, 'gemini-2.5-pro', fixedContext())
  t.same(decoded.system, [{ type: 'text', text: 'Be brief.' }])
  t.same(decoded.tools, [{ name: 'lookup', description: 'Find', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }])
  t.same(decoded.toolChoice, { type: 'tool', name: 'lookup' })
  t.same(decoded.reasoning, { budgetTokens: 1024, includeThoughts: true })
  t.equal(decoded.temperature, 0.3)
  t.equal(decoded.maxTokens, 256)
  t.same(decoded.extras, { gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }] } })

  fail = true
  try {
    await ai.models.generateContent({ model: 'nope', contents: 'x' })
    t.fail('expected an ApiError')
  } catch (err) {
    t.ok(err instanceof ApiError)
    t.equal((err as ApiError).status, 404)
    t.match((err as ApiError).message, /NOT_FOUND/)
  }
})
