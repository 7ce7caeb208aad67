import t from 'tap'
import Fastify from 'fastify'
import { ResponsesRequest } from '../../schemas/openai/responses-request.js'
import { responsesCodec } from '../../routes/responses/codec/index.js'
import { fixedContext } from './responses-fixtures.js'

/**
 * The request schema as a route would use it. Fastify's default Ajv options coerce types, which breaks every
 * `X | null` and `string | array` field (null temperature → 0, a one-item `input` array → its item → rejected), so
 * the body must be validated with `coerceTypes: false`; this test pins that configuration.
 */
t.test('realistic bodies pass unchanged with coercion off; bad ones are rejected', async t => {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false } } })
  t.teardown(() => app.close())
  app.post('/v1/responses', { schema: { body: ResponsesRequest } }, async req => req.body)
  const codex = {
    model: 'gpt-5-codex',
    instructions: 'You are Codex.',
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the bug' }] },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Look.' }], content: null, encrypted_content: 'gAAAAABo' },
      { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_1' },
      { type: 'function_call_output', call_id: 'call_1', output: 'a.ts' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' }
    ],
    tools: [{ type: 'function', name: 'shell', description: 'Run', strict: false, parameters: { type: 'object', properties: {} } }, { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } }],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'abc',
    text: { verbosity: 'low' }
  }
  const nulls = { model: 'm', input: [{ role: 'user', content: 'x' }], temperature: null, top_p: null, max_output_tokens: null, instructions: null, store: null, reasoning: null, user: null }
  for (const body of [codex, nulls, { model: 'm', input: 'x', temperature: 0 }]) {
    const res = await app.inject({ method: 'POST', url: '/v1/responses', payload: body })
    t.equal(res.statusCode, 200)
    t.same(res.json(), body, 'the body reaches the handler as sent')
  }
  const req = responsesCodec.decodeRequest(codex as ResponsesRequest, fixedContext())
  t.same(req.messages.map(m => [m.role, m.content.map(p => p.type)]), [
    ['user', ['text']], ['assistant', ['reasoning', 'tool_call']], ['user', ['tool_result']]
  ])
  t.same(req.system.map(p => p.text), ['You are Codex.', '<permissions>'])
  t.same(req.extras?.responses?.input_items, [{ index: 5, item: codex.input[5] }], 'a custom tool call has no canonical form')
  t.same(req.extras?.responses?.tools, [codex.tools[1]])
  for (const body of [{ model: 'm', input: 'x', temperature: '1' }, { model: 'm', input: [null] }, { model: 'm', input: [{ content: 'no role or type' }] }, { input: 'x' }]) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/responses', payload: body })).statusCode, 400, JSON.stringify(body))
  }
})
