import t from 'tap'
import OpenAI from 'openai'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'
import { startGateway } from '../helpers/gateway.js'

const chats = (f: FakeOpenAI) => f.requests.filter(r => r.url.includes('/chat/completions'))

t.test('provider choice: path prefix, Model-Provider header, provider:model, MODEL_PROVIDER; aliases; default model', async t => {
  const main = await startFakeOpenAI()
  const router = await startFakeOpenAI({ apiKey: 'or-key' })
  const gw = await startGateway({
    OPENAI_BASE_URL: `${main.url}/v1`,
    OPENROUTER_API_KEY: 'or-key',
    OPENROUTER_BASE_URL: `${router.url}/v1`,
    OPENROUTER_REFERER: 'https://switchboard.example',
    OPENROUTER_TITLE: 'Switchboard tests',
    MODEL_ALIASES: {
      'fast-cheap': { provider: 'openai-openrouter', model: 'openai/gpt-4o-mini', params: { temperature: 0.1, maxTokens: 64 } },
      writer: { model: 'gpt-4o' }
    }
  })
  t.teardown(async () => { await gw.close(); await main.close(); await router.close() })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const ask = async (model: string, headers: Record<string, string> = {}, base = `${gw.url}/v1`) =>
    await new OpenAI({ apiKey: 'x', baseURL: base, maxRetries: 0, defaultHeaders: headers }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })

  await ask('gpt-4o')
  t.equal(chats(main).length, 1, 'MODEL_PROVIDER by default')

  await ask('openai/gpt-4o', { 'model-provider': 'openai-openrouter' })
  t.equal(chats(router).length, 1, 'Model-Provider header')
  t.equal(chats(router)[0]?.headers['http-referer'], 'https://switchboard.example')
  t.equal(chats(router)[0]?.headers['x-title'], 'Switchboard tests')

  await ask('gpt-4o', { 'model-provider': 'openai-openrouter' }, `${gw.url}/openai-custom/v1`)
  t.equal(chats(main).length, 2, 'the path prefix wins over the header')

  await ask('openai-openrouter:anthropic/claude-3.5-sonnet')
  t.equal((chats(router).at(-1)?.json as { model: string }).model, 'anthropic/claude-3.5-sonnet', 'provider:model form, prefix removed')

  await ask('llama3:8b')
  t.equal((chats(main).at(-1)?.json as { model: string }).model, 'llama3:8b', 'a colon that names no provider is part of the model name')

  await client.chat.completions.create({ model: 'fast-cheap', messages: [{ role: 'user', content: 'hi' }], temperature: 0.9 })
  const aliased = chats(router).at(-1)?.json as { model: string, temperature: number, max_completion_tokens?: number, max_tokens?: number }
  t.equal(aliased.model, 'openai/gpt-4o-mini', 'alias → provider and model')
  t.equal(aliased.temperature, 0.1, 'forced parameter wins')
  t.equal(aliased.max_completion_tokens ?? aliased.max_tokens, 64)

  await ask('writer')
  t.equal((chats(main).at(-1)?.json as { model: string }).model, 'gpt-4o', 'alias without parameters')
})

t.test('DEFAULT_MODEL in force mode replaces the client\'s model; fallback mode fills an empty one', async t => {
  const main = await startFakeOpenAI()
  t.teardown(async () => { await main.close() })
  for (const [mode, requested, expected] of [['force', 'gpt-4o', 'forced/model'], ['fallback', '', 'forced/model'], ['fallback', 'gpt-4o', 'gpt-4o']] as const) {
    const gw = await startGateway({ OPENAI_BASE_URL: `${main.url}/v1`, DEFAULT_MODEL: 'forced/model', DEFAULT_MODEL_MODE: mode })
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: requested, messages: [{ role: 'user', content: 'x' }] }) })
    t.equal(res.status, 200)
    t.equal((chats(main).at(-1)?.json as { model: string }).model, expected, `${mode} with "${requested}"`)
    await gw.close()
  }
})
