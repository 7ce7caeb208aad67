/**
 * Never worse than direct: a cooldown only says whom to try first. With one credential (the common case) every
 * request still reaches the upstream and the client gets the upstream's own answer in its own protocol; a 429 or a
 * 403 about one model cools only that model; the gateway refuses on its own only after trying, or at a limit the
 * operator configured, and counts each refusal by reason.
 */
import t from 'tap'
import type { ServerResponse } from 'node:http'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { ApiError, GoogleGenAI } from '@google/genai'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'
import { sendJson, type RecordedRequest } from '../fakes/http-fake.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { fillFirstOpenAIPool } from '../helpers/pools.js'

const modelOf = (req: RecordedRequest): string => (req.json as { model?: string }).model ?? ''
const chats = (f: FakeOpenAI, model?: string): number =>
  f.requests.filter(r => r.url.includes('/chat/completions') && (model === undefined || modelOf(r) === model)).length
const failure = async (p: Promise<unknown>): Promise<unknown> => await p.then(() => undefined, (e: unknown) => e)
const rateLimited = (message: string, retryAfter: string) => (_req: unknown, res: ServerResponse) =>
  sendJson(res, 429, { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': retryAfter })

interface Clients { openai: OpenAI, claude: Anthropic, gemini: GoogleGenAI }
const clients = (gw: TestGateway): Clients => ({
  openai: new OpenAI({ apiKey: 'client-key', baseURL: `${gw.url}/v1`, maxRetries: 0 }),
  claude: new Anthropic({ apiKey: 'client-key', baseURL: gw.url, maxRetries: 0 }),
  gemini: new GoogleGenAI({ apiKey: 'client-key', httpOptions: { baseUrl: gw.url } })
})

type Surface = keyof Clients
/** One request on a surface, answered with the text of the reply. */
async function ask (c: Clients, surface: Surface, model: string, prompt: string): Promise<string> {
  if (surface === 'openai') return (await c.openai.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] })).choices[0]?.message.content ?? ''
  if (surface === 'claude') {
    const msg = await c.claude.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] })
    return msg.content.map(b => b.type === 'text' ? b.text : '').join('')
  }
  return (await c.gemini.models.generateContent({ model, contents: prompt })).text ?? ''
}

/** The HTTP status the surface's own SDK error carries. */
function statusOf (err: unknown): number | undefined {
  if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError) return err.status
  if (err instanceof ApiError) return err.status
  return undefined
}

async function health (gw: TestGateway): Promise<Array<{ id: string, cooldowns: Array<{ model: string | null, reason: string, status: number, secondsLeft: number }> }>> {
  return ((await (await fetch(`${gw.url}/provider_health`)).json()) as { providers: Array<{ id: string, cooldowns: Array<{ model: string | null, reason: string, status: number, secondsLeft: number }> }> }).providers
}

const metrics = async (gw: TestGateway): Promise<string> => await (await fetch(`${gw.url}/metrics`)).text()

t.test('one credential, a 429 for one model: every other request over every surface reaches the upstream and succeeds', async t => {
  const up = await startFakeOpenAI()
  up.respondWith(req => modelOf(req) === 'gpt-4.1'
    ? { error: { status: 429, message: 'Rate limit reached for gpt-4.1', headers: { 'retry-after': '1' } } }
    : { content: `${modelOf(req)}: ok` })
  const gw = await startGateway({ OPENAI_BASE_URL: `${up.url}/v1` })
  t.teardown(async () => { await gw.close(); await up.close() })
  const c = clients(gw)

  t.equal(statusOf(await failure(ask(c, 'openai', 'gpt-4.1', 'prime'))), 429, 'the first 429 cools gpt-4.1')
  const plan: Array<[Surface, string]> = [
    ['openai', 'gpt-4o'], ['claude', 'gpt-4o'], ['gemini', 'gpt-4o-mini'], ['openai', 'gpt-4o-mini'],
    ['claude', 'o3'], ['gemini', 'o3'], ['gemini', 'gpt-4.1'], ['claude', 'gpt-4.1']
  ]
  const results = await Promise.all(plan.map(async ([surface, model], i) => await ask(c, surface, model, `r${i}`).then(text => ({ text }), (err: unknown) => ({ err }))))
  plan.forEach(([surface, model], i) => {
    const r = results[i]!
    if (model === 'gpt-4.1') {
      t.equal('err' in r ? statusOf(r.err) : 200, 429, `${surface} ${model}: the upstream's 429 in the client's protocol`)
      t.match(String('err' in r ? r.err : ''), /Rate limit reached for gpt-4\.1/, `${surface} ${model}: with the upstream's message`)
    } else {
      t.same(r, { text: `${model}: ok` }, `${surface} ${model}: served`)
    }
  })
  t.equal(chats(up), 9, 'all eight concurrent requests reached the upstream, the cooling model\'s too')
  t.equal(chats(up, 'gpt-4.1'), 3)
  const cooldowns = (await health(gw))[0]?.cooldowns ?? []
  t.match(cooldowns, [{ model: 'gpt-4.1', reason: 'rate_limit', status: 429 }], 'only gpt-4.1 cools down')
  t.equal(cooldowns.length, 1)
  t.notMatch(await metrics(gw), /switchboard_local_refusals_total\{/, 'no local refusal')
})

t.test('a 403 for one model leaves the others served at once; it shows per model in /provider_health and resets per model', async t => {
  const up = await startFakeOpenAI()
  up.route('POST /v1/chat/completions', (req, res) => {
    if (modelOf(req) === 'gpt-5-pro') {
      sendJson(res, 403, { error: { message: 'Project `proj_abc` does not have access to model `gpt-5-pro`', type: 'invalid_request_error', param: null, code: 'model_not_found' } })
      return
    }
    sendJson(res, 200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: modelOf(req), choices: [{ index: 0, message: { role: 'assistant', content: 'served' }, finish_reason: 'stop' }] })
  })
  const gw = await startGateway({ OPENAI_BASE_URL: `${up.url}/v1` })
  t.teardown(async () => { await gw.close(); await up.close() })
  const c = clients(gw)

  const denied = await failure(ask(c, 'openai', 'gpt-5-pro', 'x'))
  t.ok(denied instanceof OpenAI.PermissionDeniedError, 'the upstream\'s 403')
  t.match(String(denied), /does not have access to model `gpt-5-pro`/)
  t.equal(await ask(c, 'openai', 'gpt-4o', 'y'), 'served', 'another model is served at once')
  t.equal(await ask(c, 'claude', 'gpt-4o-mini', 'y'), 'served')
  const again = await failure(ask(c, 'claude', 'gpt-5-pro', 'z'))
  t.ok(again instanceof Anthropic.PermissionDeniedError, 'gpt-5-pro again: the upstream\'s 403, in Claude\'s format')
  t.equal(chats(up, 'gpt-5-pro'), 2, 'the upstream was asked both times')

  const cooldowns = (await health(gw))[0]?.cooldowns ?? []
  t.match(cooldowns, [{ model: 'gpt-5-pro', reason: 'model_access', status: 403 }])
  t.ok((cooldowns[0]?.secondsLeft ?? 0) > 250, 'for POOL_AUTH_COOLDOWN_MS')
  const reset = await fetch(`${gw.url}/provider_health/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5-pro' }) })
  t.same(await reset.json(), { reset: 1 }, 'reset one model')
  t.same((await health(gw))[0]?.cooldowns, [])
  const bad = await fetch(`${gw.url}/provider_health/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ modle: 'x' }) })
  t.equal(bad.status, 400, 'an unknown field is refused, not read as "reset everything"')
})

t.test('an invalid key with one credential: every request gets the upstream\'s 401 in its own protocol, never a made-up 429', async t => {
  const up = await startFakeOpenAI({ apiKey: 'sk-right' })
  const gw = await startGateway({ OPENAI_BASE_URL: `${up.url}/v1`, OPENAI_API_KEY: 'sk-wrong-0123456789' })
  t.teardown(async () => { await gw.close(); await up.close() })
  const c = clients(gw)
  for (const [surface, model] of [['openai', 'gpt-4o'], ['claude', 'gpt-4o-mini'], ['gemini', 'o3'], ['openai', 'gpt-4o']] as Array<[Surface, string]>) {
    const err = await failure(ask(c, surface, model, 'x'))
    t.equal(statusOf(err), 401, `${surface} ${model}: 401`)
    t.match(String(err), /Incorrect API key provided/, `${surface}: the upstream's message`)
    const headers = err instanceof OpenAI.APIError || err instanceof Anthropic.APIError ? err.headers : undefined
    t.equal(headers?.get('retry-after') ?? null, null, `${surface}: no Retry-After`)
  }
  t.equal(chats(up), 4, 'each request reached the upstream')
  t.match((await health(gw))[0]?.cooldowns, [{ model: null, reason: 'credential', status: 401 }], 'the invalid key cools the whole member')
  t.notMatch(gw.logs.join('\n'), /sk-wrong-0123456789/, 'the key never reaches the log')
})

const twoMembers = (a: FakeOpenAI, b: FakeOpenAI, extra: Record<string, unknown> = {}): Record<string, unknown> => fillFirstOpenAIPool({ a, b }, {}, extra)

t.test('two members: a cooling one is skipped while the other serves; when both cool, the one back first answers', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  const gw = await startGateway(twoMembers(a, b))
  t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
  const c = clients(gw)

  a.route('POST /v1/chat/completions', rateLimited('a is rate limited', '120'))
  t.equal(await ask(c, 'openai', 'gpt-4o', 'one'), 'echo: one', 'a 429 from a, served by b')
  t.equal(await ask(c, 'claude', 'gpt-4o', 'two'), 'echo: two')
  t.equal(chats(a), 1, 'a is skipped while b can serve')

  b.route('POST /v1/chat/completions', rateLimited('b is rate limited', '30'))
  const both = await failure(ask(c, 'openai', 'gpt-4o', 'three'))
  t.ok(both instanceof OpenAI.RateLimitError)
  t.equal((both as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'), '30', 'the soonest Retry-After of the two upstream answers')
  t.equal(chats(a), 2, 'b failed, so the cooling a was tried too')

  a.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'from a' }, finish_reason: 'stop' }] }))
  const fromB = await failure(ask(c, 'openai', 'gpt-4o', 'four'))
  t.ok(fromB instanceof OpenAI.RateLimitError, 'both cooling: b (back in 30 s) is asked, not a (120 s)')
  t.match(String(fromB), /b is rate limited/, 'and its own answer reaches the client')
  t.equal(chats(a), 2)

  b.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, { id: 'y', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'from b' }, finish_reason: 'stop' }] }))
  t.equal(await ask(c, 'gemini', 'gpt-4o', 'five'), 'from b', 'the member back first serves again')
  const cooling = (await health(gw)).filter(p => p.cooldowns.length > 0).map(p => p.id)
  t.same(cooling, ['openai-custom/a'], 'serving lifted b\'s cooldown; a still cools')
})

t.test('POOL_COOLDOWN_SCOPE=member: a 429 for one model cools the whole member, as before', async t => {
  for (const scope of ['member', 'model'] as const) {
    await t.test(`scope ${scope}`, async t => {
      const a = await startFakeOpenAI()
      const b = await startFakeOpenAI()
      a.respondWith(req => modelOf(req) === 'gpt-4o' ? { error: { status: 429, message: 'Rate limit reached', headers: { 'retry-after': '60' } } } : { content: 'from a' })
      b.respondWith({ content: 'from b' })
      const gw = await startGateway(twoMembers(a, b, scope === 'member' ? { POOL_COOLDOWN_SCOPE: 'member' } : {}))
      t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
      const c = clients(gw)
      t.equal(await ask(c, 'openai', 'gpt-4o', 'x'), 'from b', 'the 429 fails over to b')
      const other = await ask(c, 'openai', 'gpt-4o-mini', 'y')
      const cooldown = (await health(gw)).find(p => p.id === 'openai-custom/a')?.cooldowns[0]
      if (scope === 'member') {
        t.equal(other, 'from b', 'another model also skips a')
        t.equal(cooldown?.model, null, 'the cooldown is member-wide')
      } else {
        t.equal(other, 'from a', 'another model is served by a')
        t.equal(cooldown?.model, 'gpt-4o')
      }
    })
  }
})

t.test('local refusals name every member and why, and are counted by reason', async t => {
  await t.test('members that fail differently: a 503 naming each', async t => {
    const a = await startFakeOpenAI({ apiKey: 'not-this-one' })
    const b = await startFakeOpenAI()
    b.route('POST /v1/chat/completions', rateLimited('Rate limit reached', '5'))
    const gw = await startGateway(twoMembers(a, b))
    t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
    const err = await failure(ask(clients(gw), 'claude', 'gpt-4o', 'x'))
    t.equal(statusOf(err), 503, 'in the Claude client\'s own format')
    t.ok(err instanceof Anthropic.InternalServerError)
    t.match(String(err), /openai-custom\/a \(gpt-4o\): 401 Incorrect API key provided.*openai-custom\/b \(gpt-4o\): 429 Rate limit reached/)
    t.match(await metrics(gw), /switchboard_local_refusals_total\{reason="all_failed"\} 1/)
  })

  await t.test('every member at its concurrency limit: a 429 the SDK retries after a second', async t => {
    const up = await startFakeOpenAI()
    let release: () => void = () => {}
    const held = new Promise<void>(resolve => { release = resolve })
    up.route('POST /v1/chat/completions', async (_req, res) => {
      await held
      sendJson(res, 200, { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'slow' }, finish_reason: 'stop' }] })
    })
    const gw = await startGateway({ PROVIDER_POOLS: { 'openai-custom': { members: [{ name: 'only', concurrencyLimit: 1, options: { OPENAI_BASE_URL: `${up.url}/v1` } }] } } })
    t.teardown(async () => { release(); await gw.close(); await up.close() })
    const c = clients(gw)
    const first = ask(c, 'openai', 'gpt-4o', 'first')
    while (chats(up) === 0) await new Promise(resolve => setTimeout(resolve, 5))
    const err = await failure(ask(c, 'openai', 'gpt-4o', 'second'))
    t.ok(err instanceof OpenAI.RateLimitError)
    t.equal((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'), '1')
    t.match(String(err), /concurrency limit/)
    release()
    t.equal(await first, 'slow')
    t.equal(chats(up), 1, 'the refused request never reached the upstream')
    t.match(await metrics(gw), /switchboard_local_refusals_total\{reason="concurrency_limit"\} 1/)
  })
})
