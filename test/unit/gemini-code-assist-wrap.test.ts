import t from 'tap'
import {
  unwrapCodeAssistCountTokens, unwrapCodeAssistResponse, wrapCodeAssistCountTokens, wrapCodeAssistRequest
} from '../../providers/gemini-cli-oauth/wrap.js'
import { fromGeminiResponse } from '../../providers/gemini-custom/response.js'
import { fixedContext } from './gemini-helpers.js'

const geminiBody = {
  model: 'gemini-2.5-pro',
  contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
  systemInstruction: { parts: [{ text: '…' }] },
  tools: [{ functionDeclarations: [{ name: 'f' }] }],
  toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
  generationConfig: { thinkingConfig: { includeThoughts: true } }
}

t.test('request wrapper per FORMATS.md §5', async t => {
  const wrapped = wrapCodeAssistRequest(geminiBody, 'models/gemini-2.5-pro', 'my-proj-123', 'a1b2c3########1', 'uuid')
  t.equal(JSON.stringify(wrapped), JSON.stringify({
    model: 'gemini-2.5-pro',
    project: 'my-proj-123',
    user_prompt_id: 'a1b2c3########1',
    request: {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: '…' }] },
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: { thinkingConfig: { includeThoughts: true } },
      session_id: 'uuid'
    }
  }), 'byte-exact, model removed from the inner request')
  t.notOk('session_id' in (wrapCodeAssistRequest(geminiBody, 'gemini-2.5-pro', 'p', 'id').request as Record<string, unknown>))
  t.equal(geminiBody.model, 'gemini-2.5-pro', 'the input is not modified')
})

t.test('response unwrapping', async t => {
  const body = {
    response: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'hello' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
      modelVersion: 'gemini-2.5-pro'
    },
    traceId: 'trace-1'
  }
  const inner = unwrapCodeAssistResponse(body)
  t.same(inner, { ...body.response, responseId: 'trace-1' })
  const res = fromGeminiResponse(inner, fixedContext())
  t.equal(res.id, 'trace-1')
  t.same(res.content, [{ type: 'text', text: 'hello' }])
  t.same(unwrapCodeAssistResponse({ response: { responseId: 'own' }, traceId: 't' }), { responseId: 'own' })
  t.same(unwrapCodeAssistResponse({ response: { candidates: [] } }), { candidates: [] })
  const error = { error: { code: 429, message: 'x', status: 'RESOURCE_EXHAUSTED' } }
  t.equal(unwrapCodeAssistResponse(error), error, 'errors pass through')
  t.equal(unwrapCodeAssistResponse('text'), 'text')
})

t.test('countTokens wrapping', async t => {
  t.same(wrapCodeAssistCountTokens({ contents: geminiBody.contents }, 'gemini-2.5-pro'), { request: { model: 'models/gemini-2.5-pro', contents: geminiBody.contents } })
  t.same(wrapCodeAssistCountTokens({ generateContentRequest: { model: 'models/x', contents: geminiBody.contents, systemInstruction: {} } }, 'models/gemini-2.5-pro'),
    { request: { model: 'models/gemini-2.5-pro', contents: geminiBody.contents } })
  t.equal(unwrapCodeAssistCountTokens({ totalTokens: 42 }), 42)
  t.equal(unwrapCodeAssistCountTokens({}), 0)
  t.equal(unwrapCodeAssistCountTokens(null), 0)
})
