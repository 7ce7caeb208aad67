import t from 'tap'
import OpenAI from 'openai'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'
import { startGateway } from '../helpers/gateway.js'
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-server.js'

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }

t.test('Responses: a tool conversation continued with previous_response_id on a chat provider', async t => {
  const upstream = await startFakeOpenAI()
  const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1` })
  t.teardown(async () => { await gw.close(); await upstream.close() })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })

  upstream.respondWith({ content: null, toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Oslo"}' }] })
  const first = await client.responses.stream({ model: 'gpt-4o', instructions: 'Be brief.', input: 'Weather in Oslo?', tools: [weatherTool] }).finalResponse()
  const call = first.output.find(o => o.type === 'function_call')
  t.equal(call?.type === 'function_call' ? call.call_id : undefined, 'call_w1')
  t.match(first.id, /^resp_/)

  upstream.respondWith({ content: 'It is 12C in Oslo.' })
  const second = await client.responses.create({
    model: 'gpt-4o',
    previous_response_id: first.id,
    input: [{ type: 'function_call_output', call_id: 'call_w1', output: '12C' }],
    tools: [weatherTool]
  })
  t.equal(second.output_text, 'It is 12C in Oslo.')
  const sent = upstream.lastChat()?.json as { messages: Array<{ role: string, content: unknown, tool_calls?: unknown[], tool_call_id?: string }> }
  t.same(sent.messages.map(m => m.role), ['user', 'assistant', 'tool'], 'the stored turn is replayed before the new input')
  t.equal(sent.messages[0]?.content, 'Weather in Oslo?')
  t.equal(sent.messages[2]?.tool_call_id, 'call_w1')
  t.notOk(sent.messages.some(m => m.role === 'system'), 'instructions are not carried over to the next response')

  const third = await client.responses.create({ model: 'gpt-4o', previous_response_id: second.id, input: 'And tomorrow?' })
  t.ok(third.id !== second.id)
  const again = upstream.lastChat()?.json as { messages: Array<{ role: string }> }
  t.equal(again.messages.length, 5, 'the whole conversation so far, plus the new question')
})

t.test('Responses: store false keeps nothing, and an unknown id is a 400 that says so', async t => {
  const upstream = await startFakeOpenAI()
  const prefix = uniquePrefix('responses')
  const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix })
  t.teardown(async () => { await gw.close(); await upstream.close(); await deleteKeys(SHARED_REDIS_URL, prefix) })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const kept = await client.responses.create({ model: 'gpt-4o', input: 'remember me' })
  const notKept = await client.responses.create({ model: 'gpt-4o', input: 'forget me', store: false })
  const ok = await client.responses.create({ model: 'gpt-4o', previous_response_id: kept.id, input: 'next' })
  t.equal(ok.status, 'completed', 'a stored response continues (from Redis)')
  const err = await client.responses.create({ model: 'gpt-4o', previous_response_id: notKept.id, input: 'next' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OpenAI.BadRequestError)
  t.match((err as Error).message, new RegExp(`Previous response with id '${notKept.id}' not found`))
  t.equal((err as { param?: string }).param, 'previous_response_id')
})
