import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'
import { sendJson } from '../fakes/http-fake.js'
import { startGateway } from '../helpers/gateway.js'
import { fillFirstOpenAIPool } from '../helpers/pools.js'
import { deleteKeys, PrivateRedis, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-server.js'

const ask = async (client: OpenAI, content = 'hi') => await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] })
const chats = (f: FakeOpenAI): number => f.requests.filter(r => r.url.includes('/chat/completions')).length

const pools = (a: FakeOpenAI, b: FakeOpenAI, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  fillFirstOpenAIPool({ a, b }, { a: 'key-a', b: 'key-b' }, extra)

const rateLimited = (retryAfter: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
  sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': retryAfter })

t.test('a 429 fails over to the next credential, which then serves alone until the cooldown ends', async t => {
  const a = await startFakeOpenAI({ apiKey: 'key-a' })
  const b = await startFakeOpenAI({ apiKey: 'key-b' })
  a.route('POST /v1/chat/completions', rateLimited('30'))
  const gw = await startGateway({ ...pools(a, b), REQUIRED_API_KEY: 'admin-key-123' })
  t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
  const client = new OpenAI({ apiKey: 'admin-key-123', baseURL: `${gw.url}/v1`, maxRetries: 0 })

  t.equal((await ask(client, 'one')).choices[0]?.message.content, 'echo: one', 'served by b after a 429 from a')
  t.equal(chats(a), 1)
  await ask(client, 'two')
  t.equal(chats(a), 1, 'a is skipped while cooling down')
  t.equal(chats(b), 2)

  const health = await (await fetch(`${gw.url}/provider_health`, { headers: { authorization: 'Bearer admin-key-123' } })).json() as { providers: Array<{ id: string, healthy: boolean, cooldowns: Array<{ reason: string, secondsLeft: number }> }> }
  const memberA = health.providers.find(p => p.id === 'openai-custom/a')
  t.equal(memberA?.healthy, false)
  t.equal(memberA?.cooldowns[0]?.reason, 'rate_limit')
  t.ok((memberA?.cooldowns[0]?.secondsLeft ?? 0) > 25, 'cooldown follows Retry-After')
  t.equal((await fetch(`${gw.url}/provider_health`)).status, 401, 'the admin endpoint needs the key')

  const reset = await fetch(`${gw.url}/provider_health/reset`, { method: 'POST', headers: { authorization: 'Bearer admin-key-123', 'content-type': 'application/json' }, body: JSON.stringify({ member: 'openai-custom/a' }) })
  t.same(await reset.json(), { reset: 1 })
  a.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'from a' }, finish_reason: 'stop' }] }))
  t.equal((await ask(client)).choices[0]?.message.content, 'from a', 'a serves again after the reset')

  const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin-key-123' } })).text()
  t.match(metrics, /switchboard_requests_total\{surface="openai",provider="openai-custom\/b",model="gpt-4o",status="200",stream="false"\} 2/)
  t.match(metrics, /switchboard_credential_healthy\{provider="openai-custom",credential="openai-custom\/a"\} 1/)
  t.match(metrics, /switchboard_gateway_overhead_seconds_bucket/)
})

t.test('every credential rate limited: the upstream\'s 429 with the soonest Retry-After; while all cool, the one back first is asked', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  a.route('POST /v1/chat/completions', rateLimited('120'))
  b.route('POST /v1/chat/completions', rateLimited('90'))
  const gw = await startGateway(pools(a, b))
  t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
  for (const round of [1, 2]) {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }) })
    t.equal(res.status, 429, `round ${round}`)
    t.equal(res.headers.get('retry-after'), '90', 'the soonest Retry-After an upstream gave')
    const body = await res.json() as { error: { message: string, type: string } }
    t.equal(body.error.message, 'Rate limit reached', 'the upstream\'s own answer')
  }
  t.equal(chats(a), 1, 'a (back in 120 s) was not asked again')
  t.equal(chats(b), 2, 'b (back in 90 s) was: nothing else could serve')
})

t.test('weighted round-robin spreads by weight; disabled and model-denied members are skipped', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  const c = await startFakeOpenAI()
  const gw = await startGateway({
    PROVIDER_POOLS: {
      'openai-custom': {
        members: [
          { name: 'a', weight: 3, options: { OPENAI_BASE_URL: `${a.url}/v1` } },
          { name: 'b', weight: 1, options: { OPENAI_BASE_URL: `${b.url}/v1` } },
          { name: 'c', weight: 5, enabled: false, options: { OPENAI_BASE_URL: `${c.url}/v1` } }
        ]
      }
    }
  })
  t.teardown(async () => { await gw.close(); await a.close(); await b.close(); await c.close() })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  for (let i = 0; i < 8; i++) await ask(client)
  t.equal(chats(a), 6)
  t.equal(chats(b), 2)
  t.equal(chats(c), 0)
})

t.test('AIClient-2-API provider_pools.json is read as it is, and the fallback chain reaches another provider', async t => {
  const a = await startFakeOpenAI()
  const router = await startFakeOpenAI()
  a.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 503, { error: { message: 'down' } }))
  const dir = mkdtempSync(join(tmpdir(), 'sb-pools-'))
  const file = join(dir, 'provider_pools.json')
  writeFileSync(file, JSON.stringify({
    'openai-custom': [{ customName: 'main', uuid: 'u-1', OPENAI_API_KEY: 'k', OPENAI_BASE_URL: `${a.url}/v1`, isHealthy: true, usageCount: 12, errorCount: 0, lastUsed: null }],
    'openai-openrouter': [{ uuid: 'u-2', OPENROUTER_API_KEY: 'or', OPENROUTER_BASE_URL: `${router.url}/v1`, notSupportedModels: ['o1-pro'] }]
  }))
  const original = readFileSync(file, 'utf8')
  const gw = await startGateway({ PROVIDER_POOLS_FILE_PATH: file, REQUEST_MAX_RETRIES: 0, providerFallbackChain: { 'openai-custom': ['openai-openrouter'] } })
  t.teardown(async () => { await gw.close(); await a.close(); await router.close() })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  t.equal((await ask(client, 'chain')).choices[0]?.message.content, 'echo: chain', 'served by the fallback provider')
  t.equal(chats(a), 1)
  t.equal(chats(router), 1)
  t.equal(readFileSync(file, 'utf8'), original, 'runtime state is never written into the user\'s file')
})

t.test('named client keys: requests per minute, allowed models', async t => {
  const a = await startFakeOpenAI()
  const prefix = uniquePrefix('clientkeys')
  const gw = await startGateway({
    OPENAI_BASE_URL: `${a.url}/v1`,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    REQUIRED_API_KEY: 'admin-key-0001',
    CLIENT_KEYS: [{ name: 'team-a', key: 'team-a-key-0001', requestsPerMinute: 2, models: ['gpt-4o*'] }]
  })
  t.teardown(async () => { await gw.close(); await a.close(); await deleteKeys(SHARED_REDIS_URL, prefix) })
  const client = new OpenAI({ apiKey: 'team-a-key-0001', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  t.ok(await client.chat.completions.create({ model: 'o1-pro', messages: [{ role: 'user', content: 'x' }] }).then(() => false, (e: unknown) => e instanceof OpenAI.PermissionDeniedError), 'a model outside the key\'s list is refused')
  await ask(client)
  const err = await ask(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OpenAI.RateLimitError, 'third request of the minute is refused')
  t.ok(Number((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')) > 0)
  const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer admin-key-0001' } })).text()
  t.match(metrics, /switchboard_local_refusals_total\{reason="client_model"\} 1/, 'client-key refusals are counted by reason')
  t.match(metrics, /switchboard_local_refusals_total\{reason="client_rate_limit"\} 1/)
  t.match(gw.logs.join('\n'), /team-a/)
  t.notMatch(gw.logs.join('\n'), /team-a-key-0001/)
})

t.test('two gateway instances share cooldowns and the round-robin cursor through Redis', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  a.route('POST /v1/chat/completions', rateLimited('60'))
  const prefix = uniquePrefix('twogw')
  const shared = { ...pools(a, b), REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix }
  const gw1 = await startGateway(shared)
  const gw2 = await startGateway(shared)
  t.teardown(async () => { await gw1.close(); await gw2.close(); await a.close(); await b.close(); await deleteKeys(SHARED_REDIS_URL, prefix) })
  await ask(new OpenAI({ apiKey: 'x', baseURL: `${gw1.url}/v1`, maxRetries: 0 }))
  t.equal(chats(a), 1, 'instance 1 met the 429')
  await ask(new OpenAI({ apiKey: 'x', baseURL: `${gw2.url}/v1`, maxRetries: 0 }))
  t.equal(chats(a), 1, 'instance 2 skipped the credential instance 1 cooled down')
  t.equal(chats(b), 2)
})

t.test('Redis stopped mid-test: the gateway keeps serving on local state and goes back to Redis', async t => {
  const redis = await PrivateRedis.start()
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  const gw = await startGateway({ ...pools(a, b), REDIS_URL: redis.url })
  t.teardown(async () => { await gw.close(); await a.close(); await b.close(); await redis.stop() })
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  await ask(client)
  await redis.stop()
  t.equal((await ask(client, 'during outage')).choices[0]?.message.content, 'echo: during outage')
  const health = await (await fetch(`${gw.url}/provider_health`)).json() as { state: { degraded: boolean } }
  t.equal(health.state.degraded, true, 'degraded mode is visible')
  t.match(gw.logs.join('\n'), /local/i, 'the switch is logged')
  await redis.restart()
  await new Promise(resolve => setTimeout(resolve, 2500))
  t.equal((await ask(client, 'after')).choices[0]?.message.content, 'echo: after')
  const again = await (await fetch(`${gw.url}/provider_health`)).json() as { state: { degraded: boolean } }
  t.equal(again.state.degraded, false, 'back on Redis')
})

t.test('a scheduled health check that passes lifts a cooldown early', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  a.route('POST /v1/chat/completions', rateLimited('300'))
  const gw = await startGateway({
    HEALTH_CHECK_INTERVAL_MS: 150,
    PROVIDER_POOLS: {
      'openai-custom': {
        strategy: 'fill-first',
        members: [
          { name: 'a', healthCheck: { enabled: true, model: 'gpt-4o-mini' }, options: { OPENAI_BASE_URL: `${a.url}/v1` } },
          { name: 'b', options: { OPENAI_BASE_URL: `${b.url}/v1` } }
        ]
      }
    }
  })
  t.teardown(async () => { await gw.close(); await a.close(); await b.close() })
  await ask(new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 }))
  const cooled = await (await fetch(`${gw.url}/provider_health`)).json() as { providers: Array<{ id: string, healthy: boolean }> }
  t.equal(cooled.providers.find(p => p.id === 'openai-custom/a')?.healthy, false)
  a.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }))
  let healthy = false
  for (let i = 0; i < 40 && !healthy; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    const now = await (await fetch(`${gw.url}/provider_health`)).json() as { providers: Array<{ id: string, healthy: boolean }> }
    healthy = now.providers.find(p => p.id === 'openai-custom/a')?.healthy === true
  }
  t.ok(healthy, 'member a is healthy again well before its 300 s Retry-After')
  const check = a.requests.filter(r => r.url.includes('chat')).at(-1)?.json as { model?: string, max_completion_tokens?: number }
  t.equal(check.model, 'gpt-4o-mini', 'the check used the configured model')
})
