import t from 'tap'
import type { ChatRequest } from '../../schemas/canonical.js'
import {
  fromGeminiCountTokensResponse, remoteMediaUrls, SKIP_SIGNATURE, toGeminiCountTokensRequest, toGeminiRequest
} from '../../providers/gemini-custom/request.js'
import { decodeGeminiRequest } from '../../routes/gemini/codec/index.js'
import { toThoughtSignature } from '../../schemas/gemini/signatures.js'
import type { GeminiGenerateRequest } from '../../schemas/gemini/generate-request.js'
import { fixedContext, geminiSchemaViolations } from './gemini-helpers.js'

// An OpenAI-style conversation (tool results with ids only, a Claude thinking block, a URL image) going to Gemini.
const openaiStyle: ChatRequest = {
  model: 'gemini-2.5-flash',
  system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Use tools.' }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Oslo and Rome? Here is a map:' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/map.png' } },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
        { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
        { type: 'audio', data: 'SUQz', format: 'mp3' }
      ]
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Claude thinking', signature: 'EqQB', signatureSource: 'anthropic' },
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' }
      ]
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', callId: 'call_1', content: [{ type: 'text', text: '12C' }] },
        { type: 'tool_result', callId: 'call_2', content: [{ type: 'text', text: 'city not found' }], isError: true }
      ]
    },
    { role: 'user', content: [{ type: 'text', text: 'And a chart?' }] }
  ],
  tools: [{
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['C', 'F'] } }, required: ['city'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' }
  }, { name: 'now', parameters: { type: 'object', properties: {} } }],
  toolChoice: { type: 'tool', name: 'get_weather' },
  temperature: 0.2,
  topP: 0.9,
  maxTokens: 500,
  stop: ['###'],
  seed: 3,
  n: 2,
  reasoning: { effort: 'low' },
  responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object', properties: { a: { type: ['string', 'null'] } } } },
  stream: false
}

t.test('canonical request → Gemini body', async t => {
  const media = new Map([['https://example.com/map.png', { mimeType: 'image/png', data: 'iVBORw0K' }]])
  t.same(remoteMediaUrls(openaiStyle.messages), ['https://example.com/map.png'])
  const body = toGeminiRequest(openaiStyle, 'gemini-2.5-flash', { media })
  t.same(body, {
    contents: [
      {
        role: 'user',
        parts: [
          { text: 'Weather in Oslo and Rome? Here is a map:' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } },
          { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          { inlineData: { mimeType: 'audio/mp3', data: 'SUQz' } }
        ]
      },
      {
        role: 'model',
        parts: [
          { text: 'Checking both.' },
          { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { id: 'call_2', name: 'get_weather', args: { city: 'Rome' } } }
        ]
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_1', name: 'get_weather', response: { output: '12C' } } },
          { functionResponse: { id: 'call_2', name: 'get_weather', response: { error: 'city not found' } } },
          { text: 'And a chart?' }
        ]
      }
    ],
    systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Use tools.' }] },
    tools: [{
      functionDeclarations: [
        { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city'] } },
        { name: 'now' }
      ]
    }],
    toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    generationConfig: {
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 500,
      stopSequences: ['###'],
      seed: 3,
      candidateCount: 2,
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string', nullable: true } } },
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true }
    }
  })
  const declarations = (body.tools as Array<{ functionDeclarations: Array<{ parameters?: unknown }> }>)[0]?.functionDeclarations ?? []
  for (const d of declarations) if (d.parameters !== undefined) t.same(geminiSchemaViolations(d.parameters), [])
})

t.test('an undownloaded URL stays as fileData; Files-API and gs:// URIs are references', async t => {
  const req: ChatRequest = {
    model: 'm', system: [], stream: false,
    messages: [{
      role: 'user',
      content: [
        { type: 'image', source: { kind: 'url', url: 'https://example.com/x.png', mediaType: 'image/png' } },
        { type: 'image', source: { kind: 'url', url: 'data:image/gif;base64,R0lGOD' } },
        { type: 'document', source: { kind: 'file', fileId: 'https://generativelanguage.googleapis.com/v1beta/files/f1', mediaType: 'application/pdf' } },
        { type: 'document', source: { kind: 'url', url: 'gs://b/doc.pdf', mediaType: 'application/pdf' } },
        { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'plain text doc' } }
      ]
    }]
  }
  t.same(remoteMediaUrls(req.messages), ['https://example.com/x.png'])
  t.same((toGeminiRequest(req, 'm').contents as Array<{ parts: unknown[] }>)[0]?.parts, [
    { fileData: { fileUri: 'https://example.com/x.png', mimeType: 'image/png' } },
    { inlineData: { mimeType: 'image/gif', data: 'R0lGOD' } },
    { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/f1', mimeType: 'application/pdf' } },
    { fileData: { fileUri: 'gs://b/doc.pdf', mimeType: 'application/pdf' } },
    { text: 'plain text doc' }
  ])
})

t.test('thought signatures: Gemini\'s own round-trip, others never go upstream, Gemini 3 gets the sentinel', async t => {
  const history: ChatRequest = {
    model: 'gemini-3-pro-preview', system: [], stream: false,
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'gemini thought', signature: 'R1NpZw==', signatureSource: 'gemini' },
          { type: 'reasoning', text: '', signature: 'VGV4dA==', signatureSource: 'gemini' },
          { type: 'text', text: 'answer' },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}', signature: 'Q2FsbA==', signatureSource: 'gemini' },
          { type: 'tool_call', id: 'c2', name: 'f', arguments: '{}' }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', callId: 'c1', content: [] }, { type: 'tool_result', callId: 'c2', name: 'f', content: [{ type: 'text', text: 'ok' }] }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'claude thought', signature: 'EqQB', signatureSource: 'anthropic' },
          { type: 'reasoning', text: '', redacted: 'opaque' },
          { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"x":1}' },
          { type: 'tool_call', id: 'toolu_2', name: 'f', arguments: '{"x":2}' }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', callId: 'toolu_1', content: [{ type: 'text', text: 'a' }] }, { type: 'tool_result', callId: 'toolu_2', content: [{ type: 'text', text: 'b' }] }] }
    ]
  }
  const contents = toGeminiRequest(history, 'gemini-3-pro-preview').contents as Array<{ parts: unknown[] }>
  t.same(contents[1]?.parts, [
    { text: 'gemini thought', thought: true, thoughtSignature: 'R1NpZw==' },
    { text: 'answer', thoughtSignature: 'VGV4dA==' },
    { functionCall: { id: 'c1', name: 'f', args: {} }, thoughtSignature: 'Q2FsbA==' },
    { functionCall: { id: 'c2', name: 'f', args: {} } }
  ])
  t.same(contents[2]?.parts, [
    { functionResponse: { id: 'c1', name: 'f', response: { output: '' } } },
    { functionResponse: { id: 'c2', name: 'f', response: { output: 'ok' } } }
  ])
  t.same(contents[3]?.parts, [
    { functionCall: { id: 'toolu_1', name: 'f', args: { x: 1 } }, thoughtSignature: SKIP_SIGNATURE },
    { functionCall: { id: 'toolu_2', name: 'f', args: { x: 2 } } }
  ])
  const older = toGeminiRequest(history, 'gemini-2.5-flash').contents as Array<{ parts: Array<Record<string, unknown>> }>
  t.equal(older[3]?.parts[0]?.thoughtSignature, undefined, 'no sentinel before Gemini 3')
})

t.test('a tool result without a matching call is a 400', async t => {
  const req: ChatRequest = {
    model: 'm', system: [], stream: false,
    messages: [{ role: 'user', content: [{ type: 'tool_result', callId: 'ghost', content: [] }] }]
  }
  t.throws(() => toGeminiRequest(req, 'm'), { name: 'GatewayError', status: 400, param: 'messages' })
})

t.test('thinking config per model family', async t => {
  const thinking = (reasoning: ChatRequest['reasoning'], model: string): unknown => {
    const body = toGeminiRequest({ model, system: [], stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], ...(reasoning === undefined ? {} : { reasoning }) }, model)
    return (body.generationConfig as Record<string, unknown> | undefined)?.thinkingConfig
  }
  t.same(thinking({ effort: 'high' }, 'gemini-2.5-flash'), { thinkingBudget: 24576, includeThoughts: true })
  t.same(thinking({ effort: 'max' }, 'gemini-2.5-pro'), { thinkingBudget: 32768, includeThoughts: true })
  t.same(thinking({ effort: 'none' }, 'gemini-2.5-flash'), { thinkingBudget: 0 })
  t.same(thinking({ effort: 'none' }, 'gemini-2.5-pro'), { thinkingBudget: 128, includeThoughts: true })
  t.same(thinking({ budgetTokens: 3000, includeThoughts: false }, 'gemini-2.5-flash'), { thinkingBudget: 3000, includeThoughts: false })
  t.same(thinking({ includeThoughts: true }, 'gemini-2.5-flash'), { includeThoughts: true })
  t.same(thinking({ effort: 'medium' }, 'gemini-3-pro-preview'), { thinkingLevel: 'HIGH', includeThoughts: true })
  t.same(thinking({ effort: 'low' }, 'gemini-3-pro-preview'), { thinkingLevel: 'LOW', includeThoughts: true })
  t.same(thinking({ effort: 'none' }, 'gemini-3-flash-preview'), { thinkingLevel: 'MINIMAL', includeThoughts: true })
  t.same(thinking({ budgetTokens: 8000 }, 'gemini-3-flash-preview'), { thinkingLevel: 'MEDIUM', includeThoughts: true })
  t.equal(thinking(undefined, 'gemini-2.5-flash'), undefined)
  t.equal(thinking({ effort: 'high' }, 'gemini-2.0-flash'), undefined, 'non-thinking models get no thinkingConfig')
  t.equal(thinking({ effort: 'high' }, 'gemma-3-27b-it'), undefined)
})

t.test('tool choices', async t => {
  const choice = (toolChoice: ChatRequest['toolChoice']): unknown => toGeminiRequest({
    model: 'm', system: [], stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
    tools: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }], ...(toolChoice === undefined ? {} : { toolChoice })
  }, 'm').toolConfig
  t.same(choice({ type: 'auto' }), { functionCallingConfig: { mode: 'AUTO' } })
  t.same(choice({ type: 'none' }), { functionCallingConfig: { mode: 'NONE' } })
  t.same(choice({ type: 'required' }), { functionCallingConfig: { mode: 'ANY' } })
  t.equal(choice(undefined), undefined)
})

t.test('a Gemini client body survives decode → toGeminiRequest', async t => {
  const client: GeminiGenerateRequest = {
    contents: [
      { role: 'user', parts: [{ text: 'Search and compute' }] },
      { role: 'model', parts: [{ text: 'thinking', thought: true, thoughtSignature: 'VGg=' }, { functionCall: { id: 'fc1', name: 'calc', args: { x: 1 } }, thoughtSignature: 'Q2E=' }] },
      { role: 'user', parts: [{ functionResponse: { id: 'fc1', name: 'calc', response: { output: '2' } } }] }
    ],
    systemInstruction: { parts: [{ text: 'sys' }] },
    tools: [{ functionDeclarations: [{ name: 'calc', parameters: { type: 'OBJECT', properties: { x: { type: 'NUMBER' } }, required: ['x'] } }] }, { googleSearch: {} }],
    toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['calc', 'other'] }, retrievalConfig: { languageCode: 'en' } },
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    generationConfig: { temperature: 1, responseModalities: ['TEXT'], thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
    cachedContent: 'cachedContents/c1'
  }
  const canonical = decodeGeminiRequest(client, 'gemini-2.5-flash', fixedContext())
  t.same(toGeminiRequest(canonical, 'gemini-2.5-flash'), {
    contents: [
      { role: 'user', parts: [{ text: 'Search and compute' }] },
      { role: 'model', parts: [{ text: 'thinking', thought: true, thoughtSignature: 'VGg=' }, { functionCall: { id: 'fc1', name: 'calc', args: { x: 1 } }, thoughtSignature: 'Q2E=' }] },
      { role: 'user', parts: [{ functionResponse: { id: 'fc1', name: 'calc', response: { output: '2' } } }] }
    ],
    systemInstruction: { parts: [{ text: 'sys' }] },
    tools: [{ functionDeclarations: [{ name: 'calc', parameters: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } }] }, { googleSearch: {} }],
    toolConfig: { retrievalConfig: { languageCode: 'en' }, functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['calc', 'other'] } },
    generationConfig: { temperature: 1, thinkingConfig: { thinkingBudget: 2048, includeThoughts: true }, responseModalities: ['TEXT'] },
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    cachedContent: 'cachedContents/c1'
  })
})

t.test('a carried Anthropic signature from a Gemini client is not sent to Gemini', async t => {
  const client: GeminiGenerateRequest = {
    contents: [
      { role: 'user', parts: [{ text: 'q' }] },
      { role: 'model', parts: [{ text: 'claude', thought: true, thoughtSignature: toThoughtSignature('EqQB', 'anthropic') }, { text: 'a' }] },
      { role: 'user', parts: [{ text: 'more' }] }
    ]
  }
  const body = toGeminiRequest(decodeGeminiRequest(client, 'm', fixedContext()), 'gemini-2.5-flash')
  t.same((body.contents as Array<{ parts: unknown[] }>)[1]?.parts, [{ text: 'a' }])
})

t.test('countTokens request and response', async t => {
  const req: ChatRequest = { model: 'm', system: [{ type: 'text', text: 's' }], stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], temperature: 1 }
  t.same(toGeminiCountTokensRequest(req, 'gemini-2.5-flash'), {
    generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'x' }] }], systemInstruction: { parts: [{ text: 's' }] } }
  })
  t.equal(fromGeminiCountTokensResponse({ totalTokens: 31 }), 31)
  t.equal(fromGeminiCountTokensResponse({ totalTokens: '12' }), 12)
  t.equal(fromGeminiCountTokensResponse('x'), 0)
})
