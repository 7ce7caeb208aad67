import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { GeminiCountTokensRequest, GeminiGenerateRequest } from '../../schemas/gemini/generate-request.js'
import { decodeGeminiCountTokensRequest, decodeGeminiRequest, geminiCodec } from '../../routes/gemini/codec/index.js'
import { toThoughtSignature } from '../../schemas/gemini/signatures.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext } from './gemini-helpers.js'

function body (value: unknown): GeminiGenerateRequest {
  if (!Value.Check(GeminiGenerateRequest, value)) throw new Error(`fixture does not validate: ${JSON.stringify([...Value.Errors(GeminiGenerateRequest, value)][0])}`)
  return value
}

// The FORMATS.md §4 request, verbatim.
const formatsRequest = body({
  systemInstruction: { parts: [{ text: 'Be terse.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'Weather in Oslo?' }, { inlineData: { mimeType: 'image/png', data: 'iVBOR...' } }] },
    { role: 'model', parts: [{ functionCall: { id: 'fc1', name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'CpUB...' }] },
    { role: 'user', parts: [{ functionResponse: { id: 'fc1', name: 'get_weather', response: { output: '12C' } } }] }
  ],
  tools: [{ functionDeclarations: [{ name: 'get_weather', description: '…', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }],
  toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
  generationConfig: {
    temperature: 0.7, topP: 0.95, topK: 40, maxOutputTokens: 1024, stopSequences: ['END'],
    thinkingConfig: { thinkingBudget: 2048, includeThoughts: true }
  }
})

t.test('the FORMATS.md request decodes to the canonical request', async t => {
  const req = decodeGeminiRequest(formatsRequest, 'gemini-2.5-flash', fixedContext(), { stream: true })
  t.same(req, {
    model: 'gemini-2.5-flash',
    system: [{ type: 'text', text: 'Be terse.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR...' } }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'fc1', name: 'get_weather', arguments: '{"city":"Oslo"}', signature: 'CpUB...', signatureSource: 'gemini' }] },
      { role: 'user', content: [{ type: 'tool_result', callId: 'fc1', name: 'get_weather', content: [{ type: 'text', text: '12C' }] }] }
    ],
    stream: true,
    tools: [{ name: 'get_weather', description: '…', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    toolChoice: { type: 'tool', name: 'get_weather' },
    temperature: 0.7,
    topP: 0.95,
    topK: 40,
    maxTokens: 1024,
    stop: ['END'],
    reasoning: { budgetTokens: 2048, includeThoughts: true }
  })
})

t.test('codec.decodeRequest reads the model the route put in the body', async t => {
  const req = geminiCodec.decodeRequest({ ...formatsRequest, model: 'models/gemini-2.5-pro' }, fixedContext())
  t.equal(req.model, 'gemini-2.5-pro')
  t.equal(req.stream, false)
  t.equal(req.extras, undefined, 'model is not an extra')
  const streamed = geminiCodec.decodeRequest({ ...formatsRequest, model: 'gemini-2.5-pro', stream: true }, fixedContext())
  t.equal(streamed.stream, true)
  t.equal(streamed.extras, undefined, 'stream is not an extra')
  t.throws(() => geminiCodec.decodeRequest(formatsRequest, fixedContext()), { name: 'GatewayError', status: 400, param: 'model' })
})

t.test('function responses without ids pair with unanswered calls of the same name, in order', async t => {
  const req = decodeGeminiRequest(body({
    contents: [
      { role: 'user', parts: [{ text: 'Compare Oslo, Rome and the time' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { name: 'get_time', args: {} } },
          { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }
        ]
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: '12C' } } },
          { functionResponse: { name: 'get_weather', response: { error: 'city not found' } } },
          { functionResponse: { name: 'get_time', response: { time: '10:00', tz: 'CET' } } },
          { functionResponse: { name: 'get_time', response: { output: { late: true } } } }
        ]
      }
    ]
  }), 'gemini-2.5-flash', fixedContext())
  t.same(req.messages[1]?.content.map(p => p.type === 'tool_call' ? p.id : ''), ['call_1', 'call_2', 'call_3'])
  t.same(req.messages[2]?.content, [
    { type: 'tool_result', callId: 'call_1', name: 'get_weather', content: [{ type: 'text', text: '12C' }] },
    { type: 'tool_result', callId: 'call_3', name: 'get_weather', content: [{ type: 'text', text: 'city not found' }], isError: true },
    { type: 'tool_result', callId: 'call_2', name: 'get_time', content: [{ type: 'text', text: '{"time":"10:00","tz":"CET"}' }] },
    // No call left to answer: a fresh id keeps the result rather than dropping it.
    { type: 'tool_result', callId: 'call_4', name: 'get_time', content: [{ type: 'text', text: '{"late":true}' }] }
  ])
})

t.test('media parts', async t => {
  const req = decodeGeminiRequest(body({
    contents: [{
      parts: [
        { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
        { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } },
        { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
        { fileData: { mimeType: 'image/jpeg', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
        { fileData: { mimeType: 'video/mp4', fileUri: 'gs://bucket/clip.mp4' } },
        { fileData: { fileUri: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } },
        { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.png' } }
      ]
    }]
  }), 'gemini-2.5-flash', fixedContext())
  t.same(req.messages, [{
    role: 'user',
    content: [
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'audio', data: 'SUQz', format: 'mp3' },
      { type: 'audio', data: 'UklGRg==', format: 'wav' },
      { type: 'image', source: { kind: 'file', fileId: 'https://generativelanguage.googleapis.com/v1beta/files/abc123', mediaType: 'image/jpeg' } },
      { type: 'document', source: { kind: 'file', fileId: 'gs://bucket/clip.mp4', mediaType: 'video/mp4' } },
      { type: 'document', source: { kind: 'file', fileId: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png', mediaType: 'image/png' } }
    ]
  }])
})

t.test('thoughts and signatures in model turns', async t => {
  const anthropicSig = toThoughtSignature('EqQBCkYIBRgCKkA=', 'anthropic')
  const req = decodeGeminiRequest(body({
    contents: [
      { role: 'user', parts: [{ text: 'hi' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me ', thought: true },
          { text: 'think.', thought: true },
          { text: '', thought: true, thoughtSignature: 'R2VtaW5pU2ln' },
          { text: 'Hello!', thoughtSignature: 'VGV4dFNpZw==' },
          { text: 'Claude thought', thought: true, thoughtSignature: anthropicSig },
          { executableCode: { language: 'PYTHON', code: 'print(1)' } },
          { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } }
        ]
      },
      { role: 'user', parts: [{ text: 'thanks' }] }
    ]
  }), 'gemini-3-pro-preview', fixedContext())
  t.same(req.messages[1], {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Let me think.', signature: 'R2VtaW5pU2ln', signatureSource: 'gemini' },
      { type: 'reasoning', text: '', signature: 'VGV4dFNpZw==', signatureSource: 'gemini' },
      { type: 'text', text: 'Hello!' },
      { type: 'reasoning', text: 'Claude thought', signature: 'EqQBCkYIBRgCKkA=', signatureSource: 'anthropic' },
      { type: 'text', text: '```python\nprint(1)\n```' },
      { type: 'text', text: 'Code execution result (OUTCOME_OK):\n```\n1\n\n```' }
    ]
  })
})

t.test('tools, tool config and built-ins', async t => {
  const decode = (extra: Record<string, unknown>) => decodeGeminiRequest(body({ contents: [{ parts: [{ text: 'x' }] }], ...extra }), 'm', fixedContext())
  const tools = [
    { functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object', properties: { q: { type: ['string', 'null'] } }, additionalProperties: false } }, { name: 'b' }] },
    { googleSearch: {} },
    { codeExecution: {}, functionDeclarations: [{ name: 'c', parameters: { type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } } }] }
  ]
  const req = decode({ tools, toolConfig: { functionCallingConfig: { mode: 'AUTO' }, retrievalConfig: { latLng: { latitude: 1, longitude: 2 } } } })
  t.same(req.tools, [
    { name: 'a', parameters: { type: 'object', properties: { q: { type: ['string', 'null'] } }, additionalProperties: false } },
    { name: 'b', parameters: { type: 'object', properties: {} } },
    { name: 'c', parameters: { type: 'object', properties: { n: { type: ['integer', 'null'] } } } }
  ])
  t.same(req.toolChoice, { type: 'auto' })
  t.same(req.extras, { gemini: { tools: [{ googleSearch: {} }, { codeExecution: {} }], toolConfig: { retrievalConfig: { latLng: { latitude: 1, longitude: 2 } } } } })

  t.same(decode({ tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } }).toolChoice, { type: 'none' })
  t.same(decode({ tools, toolConfig: { functionCallingConfig: { mode: 'ANY' } } }).toolChoice, { type: 'required' })
  const many = decode({ tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } } })
  t.same(many.toolChoice, { type: 'required' })
  t.same(many.extras?.gemini?.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'b'] } })
  const validated = decode({ tools, toolConfig: { functionCallingConfig: { mode: 'VALIDATED' } } })
  t.same(validated.toolChoice, { type: 'auto' })
  t.same(validated.extras?.gemini?.toolConfig, { functionCallingConfig: { mode: 'VALIDATED' } })

  t.throws(() => decode({ tools: [{ functionDeclarations: [{ name: 'x', parameters: { type: 'OBJECT' }, parametersJsonSchema: { type: 'object' } }] }] }),
    { name: 'GatewayError', status: 400, param: 'tools[0].functionDeclarations[0].parametersJsonSchema' })
})

t.test('generationConfig: JSON mode, thinking, candidates and extras', async t => {
  const decode = (generationConfig: Record<string, unknown>) =>
    decodeGeminiRequest(body({ contents: [{ parts: [{ text: 'x' }] }], generationConfig }), 'm', fixedContext())
  t.same(decode({ responseMimeType: 'application/json' }).responseFormat, { type: 'json_object' })
  t.same(decode({ responseMimeType: 'application/json', responseSchema: { type: 'ARRAY', items: { type: 'STRING' } } }).responseFormat,
    { type: 'json_schema', schema: { type: 'array', items: { type: 'string' } } })
  t.same(decode({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object', $defs: {} } }).responseFormat,
    { type: 'json_schema', schema: { type: 'object', $defs: {} } })
  const enumMode = decode({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } })
  t.equal(enumMode.responseFormat, undefined)
  t.same(enumMode.extras?.gemini?.generationConfig, { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a', 'b'] } })

  t.same(decode({ thinkingConfig: { thinkingBudget: -1 } }).reasoning, { effort: 'medium' })
  t.same(decode({ thinkingConfig: { thinkingBudget: 0 } }).reasoning, { effort: 'none' })
  t.same(decode({ thinkingConfig: { thinkingBudget: 4096, includeThoughts: false } }).reasoning, { budgetTokens: 4096, includeThoughts: false })
  t.same(decode({ thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } }).reasoning, { effort: 'high', includeThoughts: true })
  t.same(decode({ thinkingConfig: { includeThoughts: true } }).reasoning, { includeThoughts: true })
  t.throws(() => decode({ thinkingConfig: { thinkingLevel: 'LOW', thinkingBudget: 10 } }), { name: 'GatewayError', status: 400, param: 'generationConfig.thinkingConfig.thinkingLevel' })
  t.throws(() => decode({ thinkingConfig: { thinkingLevel: 'ULTRA' } }), { name: 'GatewayError', status: 400 })

  const full = decode({ candidateCount: 2, seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.25, responseModalities: ['TEXT', 'IMAGE'], mediaResolution: 'MEDIA_RESOLUTION_LOW' })
  t.equal(full.n, 2)
  t.equal(full.seed, 7)
  t.equal(full.presencePenalty, 0.5)
  t.equal(full.frequencyPenalty, 0.25)
  t.same(full.extras, { gemini: { generationConfig: { responseModalities: ['TEXT', 'IMAGE'], mediaResolution: 'MEDIA_RESOLUTION_LOW' } } })
})

t.test('top-level extras: safetySettings, cachedContent and unknown fields', async t => {
  const req = decodeGeminiRequest(body({
    contents: [{ parts: [{ text: 'x' }] }],
    systemInstruction: 'Plain string system',
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    cachedContent: 'cachedContents/abc',
    labels: { team: 'a' }
  }), 'm', fixedContext())
  t.same(req.system, [{ type: 'text', text: 'Plain string system' }])
  t.same(req.extras, {
    gemini: {
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc',
      labels: { team: 'a' }
    }
  })
})

t.test('bad input becomes a 400 naming the field', async t => {
  const ctx = fixedContext()
  const check = (value: unknown, param: string): void => {
    try {
      decodeGeminiRequest(body(value), 'm', ctx)
      t.fail('expected a GatewayError')
    } catch (err) {
      t.ok(err instanceof GatewayError)
      t.match(err, { status: 400, kind: 'invalid_request', param })
    }
  }
  check({ contents: [] }, 'contents')
  check({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'f', args: {} } }] }] }, 'contents[0].parts[0].functionCall')
  check({ contents: [{ role: 'model', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }, 'contents[0].parts[0].functionResponse')
  check({ contents: [{ parts: [{ thought: true }] }] }, 'contents[0].parts[0]')
  check({ contents: [{ parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'x' } }] } }, 'systemInstruction.parts[0]')
  t.throws(() => decodeGeminiRequest(body({ contents: [{ parts: [{ text: 'x' }] }] }), 'models/', ctx), { name: 'GatewayError', param: 'model' })
})

t.test('schema: unknown fields pass, wrong shapes fail', async t => {
  t.ok(Value.Check(GeminiGenerateRequest, { contents: [{ role: 'user', parts: [{ text: 'x', videoMetadata: { fps: 1 } }] }], newField: 1 }))
  t.notOk(Value.Check(GeminiGenerateRequest, { contents: [{ role: 'system', parts: [{ text: 'x' }] }] }))
  t.notOk(Value.Check(GeminiGenerateRequest, { contents: 'hello' }))
  t.notOk(Value.Check(GeminiGenerateRequest, { contents: [{ parts: [{ functionResponse: { name: 'f', response: 'text' } }] }] }))
  t.ok(Value.Check(GeminiCountTokensRequest, { contents: [{ parts: [{ text: 'x' }] }] }))
  t.ok(Value.Check(GeminiCountTokensRequest, { generateContentRequest: { model: 'models/x', contents: [{ parts: [{ text: 'x' }] }] } }))
})

t.test('countTokens bodies', async t => {
  const bare = decodeGeminiCountTokensRequest({ contents: [{ parts: [{ text: 'count me' }] }] }, 'gemini-2.5-flash', fixedContext())
  t.same(bare.messages, [{ role: 'user', content: [{ type: 'text', text: 'count me' }] }])
  const wrapped = decodeGeminiCountTokensRequest({
    generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ text: 'sys' }] } }
  }, 'gemini-2.5-flash', fixedContext())
  t.same(wrapped.system, [{ type: 'text', text: 'sys' }])
  t.throws(() => decodeGeminiCountTokensRequest({}, 'm', fixedContext()), { name: 'GatewayError', status: 400 })
})
