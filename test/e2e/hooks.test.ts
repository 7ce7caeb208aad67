import t from 'tap'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'
import { startGateway } from '../helpers/gateway.js'

const KEY = 'sk-gw-very-secret-key-0001'
const WRONG = 'sk-wrong-key-that-must-not-be-logged'
const UPSTREAM_KEY = 'sk-upstream-key-never-logged-0002'
const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })

t.test('API-key auth: every header form, 401 in the client format, no key in any log line', async t => {
  const upstream = await startFakeOpenAI()
  const gw = await startGateway({ REQUIRED_API_KEY: KEY, OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: `${upstream.url}/v1` })
  t.teardown(async () => { await gw.close(); await upstream.close() })
  const post = async (headers: Record<string, string>, query = '') => await fetch(`${gw.url}/v1/chat/completions${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

  for (const [name, headers, query] of [
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }, ''],
    ['x-api-key', { 'x-api-key': KEY }, ''],
    ['x-goog-api-key', { 'x-goog-api-key': KEY }, ''],
    ['?key=', {}, `?key=${KEY}`]
  ] as const) {
    const res = await post(headers, query)
    t.equal(res.status, 200, `${name} accepted`)
  }

  const missing = await post({})
  t.equal(missing.status, 401)
  const missingBody = await missing.json() as { error: { type: string, code: string } }
  t.equal(missingBody.error.code, 'invalid_api_key')

  const wrong = await post({ authorization: `Bearer ${WRONG}` })
  t.equal(wrong.status, 401)
  const wrongQuery = await post({}, `?key=${WRONG}`)
  t.equal(wrongQuery.status, 401)

  const claude = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': WRONG }, body: '{}' })
  t.equal(claude.status, 401)

  const health = await fetch(`${gw.url}/health`)
  t.equal(health.status, 200, '/health stays open')

  // An SDK with the wrong key sees a typed authentication error.
  const client = new OpenAI({ apiKey: WRONG, baseURL: `${gw.url}/v1`, maxRetries: 0 })
  t.ok(await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).then(() => false, (e: unknown) => e instanceof OpenAI.AuthenticationError), 'AuthenticationError')

  const all = gw.logs.join('\n')
  t.ok(gw.logs.length > 5, 'the server logged requests')
  for (const secret of [KEY, WRONG, UPSTREAM_KEY]) t.notOk(all.includes(secret), `no log line contains ${secret.slice(0, 8)}…`)
})

t.test('system prompt file: overwrite and append, reloaded without a restart, replacements', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-sys-'))
  const file = join(dir, 'system.txt')
  writeFileSync(file, 'You are the gateway persona.')
  const upstream = await startFakeOpenAI()
  t.teardown(async () => { await upstream.close() })

  for (const [mode, passthrough] of [['overwrite', true], ['append', true], ['override', false], ['append', false]] as const) {
    const gw = await startGateway({
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      SYSTEM_PROMPT_FILE_PATH: file,
      SYSTEM_PROMPT_MODE: mode,
      SYSTEM_PROMPT_REPLACEMENTS: [{ old: 'ACME', new: 'Initech' }],
      PASSTHROUGH: passthrough
    })
    const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Client rules for ACME.' }, { role: 'user', content: 'hi' }] })
    const sent = upstream.lastChat()?.json as { messages: Array<{ role: string, content: unknown }> }
    const system = sent.messages.filter(m => m.role === 'system' || m.role === 'developer').map(m => typeof m.content === 'string' ? m.content : JSON.stringify(m.content)).join('\n')
    if (mode === 'append') {
      t.match(system, /Client rules for Initech\.[\s\S]*You are the gateway persona\./, `append keeps the (replaced) client prompt first (passthrough=${String(passthrough)})`)
    } else {
      t.equal(system, 'You are the gateway persona.', `${mode} replaces the client prompt (passthrough=${String(passthrough)})`)
    }
    t.equal(sent.messages.at(-1)?.content, 'hi', 'user message untouched')
    await gw.close()
  }

  const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, SYSTEM_PROMPT_FILE_PATH: file, SYSTEM_PROMPT_MODE: 'overwrite' })
  t.teardown(async () => { await gw.close() })
  writeFileSync(file, 'Edited persona.')
  const later = new Date(Date.now() + 5000)
  utimesSync(file, later, later)
  await new Promise(resolve => setTimeout(resolve, 1300))
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
  const sent = upstream.lastChat()?.json as { messages: Array<{ role: string, content: unknown }> }
  t.equal(sent.messages[0]?.content, 'Edited persona.', 'a changed file applies without a restart')
})

t.test('prompt log file: one JSON line per exchange, streams assembled, no secrets', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-log-'))
  const upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY })
  upstream.respondWith({ content: 'Logged answer.' })
  for (const passthrough of [true, false]) {
    const base = join(dir, passthrough ? 'pt' : 'tr', 'prompts')
    const gw = await startGateway({ REQUIRED_API_KEY: KEY, OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: `${upstream.url}/v1`, PROMPT_LOG_MODE: 'file', PROMPT_LOG_BASE_NAME: base, PASSTHROUGH: passthrough })
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 })
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'question one' }] })
    await client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'question two' }] }).finalChatCompletion()
    await gw.close()
    const folder = join(dir, passthrough ? 'pt' : 'tr')
    const files = readdirSync(folder)
    t.equal(files.length, 1)
    t.match(files[0], /^prompts-\d{8}\.jsonl$/)
    const text = readFileSync(join(folder, files[0]!), 'utf8')
    const lines = text.trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>)
    t.equal(lines.length, 2, `two records (passthrough=${String(passthrough)})`)
    const [first, second] = lines as [Record<string, any>, Record<string, any>]
    t.equal(first.surface, 'openai')
    t.equal(first.provider, 'openai-custom')
    t.equal(first.model, 'gpt-4o')
    t.equal(first.status, 200)
    t.equal(first.passthrough, passthrough)
    t.match(JSON.stringify(first.request), /question one/)
    t.equal(first.response.content[0].text, 'Logged answer.')
    t.equal(first.usage.inputTokens, 12)
    t.type(first.latencyMs, 'number')
    t.type(first.ttfbMs, 'number')
    t.equal(second.stream, true)
    t.equal(second.response.content[0].text, 'Logged answer.', 'the stream is assembled')
    t.notOk(text.includes(KEY) || text.includes(UPSTREAM_KEY), 'no key in the prompt log')
  }
  await upstream.close()
})
