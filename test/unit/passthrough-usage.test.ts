import t from 'tap'
import { objectAfterKey, passthroughUsage } from '../../plugins/passthrough-usage.js'
import { openaiChatReader } from '../../providers/openai-custom/reader.js'
import { anthropicReader } from '../../providers/claude-custom/reader.js'
import { geminiReader } from '../../providers/gemini-custom/reader.js'
import { responsesReader } from '../../providers/openai-responses/reader.js'
import { fixedContext } from './openai-helpers.js'

const ctx = fixedContext()
const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

t.test('OpenAI: usage read without the content, even when the content quotes a usage key', async t => {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'the JSON was {"usage":{"prompt_tokens":999}} — ünïcödé {' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } }
  }
  const usage = passthroughUsage(bytes(body), openaiChatReader, ctx)
  t.same(usage, openaiChatReader.decodeResponse(body, ctx).usage, 'same counts as the full decode')
  t.equal(usage?.inputTokens, 12)
  t.equal(usage?.outputTokens, 7)
})

t.test('Anthropic: strings and nested objects inside usage', async t => {
  const body = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [{ type: 'text', text: 'a "usage": {"input_tokens": 5} inside text, and a \\ backslash' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 10, cache_creation: { ephemeral_5m_input_tokens: 1 }, service_tier: 'standard}"' }
  }
  const usage = passthroughUsage(bytes(body), anthropicReader, ctx)
  t.same(usage, anthropicReader.decodeResponse(body, ctx).usage)
  t.equal(usage?.cacheReadTokens, 10)
})

t.test('Gemini usageMetadata, and pretty-printed bodies', async t => {
  const body = {
    candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 3, totalTokenCount: 11, thoughtsTokenCount: 2 }
  }
  const pretty = Buffer.from(JSON.stringify(body, null, 2))
  t.same(passthroughUsage(pretty, geminiReader, ctx), geminiReader.decodeResponse(body, ctx).usage)
  t.same(objectAfterKey(pretty, 'usageMetadata'), body.usageMetadata)
})

t.test('Responses usage', async t => {
  const body = {
    id: 'resp_1',
    object: 'response',
    status: 'completed',
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }],
    usage: { input_tokens: 4, output_tokens: 2, total_tokens: 6, input_tokens_details: { cached_tokens: 1 }, output_tokens_details: { reasoning_tokens: 0 } }
  }
  t.same(passthroughUsage(bytes(body), responsesReader, ctx), responsesReader.decodeResponse(body, ctx).usage)
})

t.test('no usage key, or a cut body: falls back to the full decode, never throws', async t => {
  const noUsage = { id: 'chatcmpl-2', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'stop' }] }
  t.same(passthroughUsage(bytes(noUsage), openaiChatReader, ctx), openaiChatReader.decodeResponse(noUsage, ctx).usage)
  const cut = Buffer.from('{"choices":[],"usage":{"prompt_tokens":3,"completion_tok')
  t.equal(objectAfterKey(cut, 'usage'), undefined)
  t.equal(passthroughUsage(cut, openaiChatReader, ctx), undefined)
  t.equal(passthroughUsage(Buffer.from('not json'), openaiChatReader, ctx), undefined)
  t.equal(objectAfterKey(Buffer.from('{"usage":null}'), 'usage'), undefined, 'a usage that is not an object')
})
