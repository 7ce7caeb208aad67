import t from 'tap'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ClaudeCountTokensRequest, ClaudeMessagesRequest } from '../../schemas/anthropic/messages-request.js'
import { ClaudeModelList } from '../../schemas/anthropic/models.js'
import { Value } from '@sinclair/typebox/value'

/**
 * The schemas compiled by Fastify's own validator (ajv), with Fastify's defaults (coerceTypes: 'array') and with
 * coercion off (what the routes should use).
 */
async function app (coerceTypes: false | 'array' = 'array') {
  const fastify = Fastify({ ajv: { customOptions: { coerceTypes } } }).withTypeProvider<TypeBoxTypeProvider>()
  fastify.post('/v1/messages', { schema: { body: ClaudeMessagesRequest } }, async (req) => req.body)
  fastify.post('/v1/messages/count_tokens', { schema: { body: ClaudeCountTokensRequest } }, async (req) => req.body)
  await fastify.ready()
  return fastify
}

const base = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] }

for (const coerce of ['array', false] as const) {
t.test(`valid bodies pass unchanged, unknown fields and block types included (coerceTypes ${String(coerce)})`, async (t) => {
  const fastify = await app(coerce)
  t.teardown(() => fastify.close())
  const bodies: unknown[] = [
    base,
    { ...base, system: 'Be brief', stream: true, stop_sequences: ['x'], temperature: 1, top_p: 0.5, top_k: 5, metadata: { user_id: 'u' } },
    { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'one block' }] }, { role: 'assistant', content: [{ type: 'text', text: 'one' }] }] },
    { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    { ...base, thinking: { type: 'enabled', budget_tokens: 2048, display: 'summarized' } },
    { ...base, thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh', format: { type: 'json_schema', schema: { type: 'object' } } } },
    { ...base, thinking: { type: 'between_tools' } },
    { ...base, tools: [{ name: 't', input_schema: { type: 'object', properties: {} } }, { type: 'bash_20250124', name: 'bash' }], tool_choice: { type: 'tool', name: 't' } },
    { ...base, container: 'c', mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'm' }], context_management: { edits: [] } },
    {
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }, { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'c' }] } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }, { type: 'tool_use', id: 'toolu_1', name: 't', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'r' }, { type: 'search_result', source: 's', title: 't', content: [] }] }] }
      ]
    }
  ]
  for (const payload of bodies) {
    const res = await fastify.inject({ method: 'POST', url: '/v1/messages', payload: payload as Record<string, unknown> })
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json(), payload, 'nothing stripped')
    t.ok(Value.Check(ClaudeMessagesRequest, payload), 'TypeBox agrees')
  }
  const count = await fastify.inject({ method: 'POST', url: '/v1/messages/count_tokens', payload: { model: 'm', messages: [{ role: 'user', content: 'x' }] } })
  t.equal(count.statusCode, 200)
})
}

t.test('nulls survive only without coercion', async (t) => {
  const payload = { ...base, metadata: { user_id: null }, system: [{ type: 'text', text: 's', cache_control: null }] }
  const strict = await app(false)
  const lenient = await app('array')
  t.teardown(async () => { await strict.close(); await lenient.close() })
  t.same((await strict.inject({ method: 'POST', url: '/v1/messages', payload })).json(), payload)
  t.same((await lenient.inject({ method: 'POST', url: '/v1/messages', payload })).json().metadata, { user_id: '' }, 'coercion rewrites null strings')
})

t.test('invalid bodies are rejected', async (t) => {
  const fastify = await app()
  t.teardown(() => fastify.close())
  const { max_tokens: _omit, ...noMax } = base
  const bodies: Array<[string, unknown]> = [
    ['max_tokens missing', noMax],
    ['no messages', { ...base, messages: [] }],
    ['bad role', { ...base, messages: [{ role: 'system', content: 'x' }] }],
    ['text block without text', { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }],
    ['tool_use without input', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b' }] }] }],
    ['image with a bad source', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] }] }],
    ['custom tool without schema', { ...base, tools: [{ name: 't' }] }],
    ['custom typed tool without schema', { ...base, tools: [{ type: 'custom', name: 't' }] }],
    ['enabled thinking without budget', { ...base, thinking: { type: 'enabled' } }],
    ['unknown effort', { ...base, output_config: { effort: 'extreme' } }],
    ['temperature above 1', { ...base, temperature: 1.5 }],
    ['tool_choice tool without name', { ...base, tool_choice: { type: 'tool' } }]
  ]
  for (const [name, payload] of bodies) {
    const res = await fastify.inject({ method: 'POST', url: '/v1/messages', payload: payload as Record<string, unknown> })
    t.equal(res.statusCode, 400, name)
    t.notOk(Value.Check(ClaudeMessagesRequest, payload), `${name} (TypeBox)`)
  }
})

t.test('model list shape', async (t) => {
  t.ok(Value.Check(ClaudeModelList, {
    data: [{ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
    has_more: false,
    first_id: 'claude-sonnet-4-5-20250929',
    last_id: 'claude-sonnet-4-5-20250929'
  }))
})
