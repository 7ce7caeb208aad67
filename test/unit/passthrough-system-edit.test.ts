import t from 'tap'
import type { TextPart } from '../../schemas/canonical.js'
import type { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import type { ClaudeMessagesRequest } from '../../schemas/anthropic/messages-request.js'
import type { GeminiGenerateRequest } from '../../schemas/gemini/generate-request.js'
import { editOpenAISystem } from '../../routes/openai/codec/edit-system.js'
import { editClaudeSystem } from '../../routes/claude/codec/passthrough.js'
import { editGeminiSystem } from '../../routes/gemini/codec/passthrough.js'

/**
 * The system-prompt hook on the passthrough path edits the client's body as sent, which only the routing envelope
 * checked: parts it cannot edit as text stay, and a system field it cannot read is left for the upstream to judge.
 */

const append = (blocks: TextPart[]): TextPart[] => [...blocks, { type: 'text', text: 'Injected.' }]
const image = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }

t.test('OpenAI: non-text system parts stay in the edited system message, after the text', async t => {
  const body = { model: 'm', messages: [{ role: 'system', content: [{ type: 'text', text: 'Style:' }, image] }, { role: 'user', content: 'hi' }] } as unknown as OpenAIChatRequest
  const out = editOpenAISystem(body, append)
  t.same(out.messages, [{ role: 'system', content: [{ type: 'text', text: 'Style:\n\nInjected.' }, image] }, { role: 'user', content: 'hi' }])
  const plain = editOpenAISystem({ model: 'm', messages: [{ role: 'developer', content: 'Rules.' }, { role: 'user', content: 'hi' }] } as OpenAIChatRequest, append)
  t.same(plain.messages[0], { role: 'system', content: 'Rules.\n\nInjected.' }, 'text only: one string system message as before')
})

t.test('OpenAI: a body without a messages array, or with odd entries, is not broken by the edit', async t => {
  const none = { model: 'm', prompt: 'x' } as unknown as OpenAIChatRequest
  t.equal(editOpenAISystem(none, append), none)
  const odd = { model: 'm', messages: [null, 'text', { role: 'user', content: 'hi' }] } as unknown as OpenAIChatRequest
  t.same(editOpenAISystem(odd, append).messages, [{ role: 'system', content: 'Injected.' }, null, 'text', { role: 'user', content: 'hi' }])
})

t.test('Claude: a system the gateway cannot read is left as sent', async t => {
  for (const system of [42, { text: 'x' }, [{ type: 'text' }], [null]]) {
    const body = { model: 'm', max_tokens: 1, messages: [], system } as unknown as ClaudeMessagesRequest
    t.equal(editClaudeSystem(body, append), body, JSON.stringify(system))
  }
  const ok = editClaudeSystem({ model: 'm', max_tokens: 1, messages: [], system: [{ type: 'text', text: 'A', cache_control: { type: 'persistent' } }] } as unknown as ClaudeMessagesRequest, append)
  t.same(ok.system, [{ type: 'text', text: 'A', cache_control: { type: 'persistent' } }, { type: 'text', text: 'Injected.' }], 'unknown fields of untouched blocks stay')
})

t.test('Gemini: an instruction without parts is left as sent; non-text parts stay', async t => {
  for (const systemInstruction of [{ role: 'system' }, { parts: 'x' }, { parts: [null] }]) {
    const body = { contents: [], systemInstruction } as unknown as GeminiGenerateRequest
    t.equal(editGeminiSystem(body, append), body, JSON.stringify(systemInstruction))
  }
  const inline = { inlineData: { mimeType: 'image/png', data: 'AAAA' } }
  const out = editGeminiSystem({ contents: [], systemInstruction: { parts: [{ text: 'A' }, inline] } } as unknown as GeminiGenerateRequest, append)
  t.same(out.systemInstruction, { parts: [{ text: 'A' }, { text: 'Injected.' }, inline] })
})
