import t from 'tap'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'
import { startFakeAnthropic } from '../fakes/anthropic-upstream.js'
import { startFakeProxy } from '../fakes/http-proxy.js'
import { startFakeSocks5 } from '../fakes/socks5-proxy.js'
import { startGateway as startOuter, type TestGateway } from '../helpers/gateway.js'
import type { FastifyInstance } from 'fastify'
import type { ServerOptions } from '../../server.js'

/**
 * Upstream calls through an HTTP or SOCKS proxy, with a loopback proxy the test starts: a proxy that fails is
 * answered within the gateway's timeouts with a 502/504 naming it (credentials masked), without a CONNECT storm,
 * and a client that leaves ends the tunnel at once; NO_PROXY, PROXY_ENABLED_PROVIDERS and the environment's
 * proxy variables choose per provider and per host.
 */

const ask = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'ping' }] }
/** No proxy variable of the machine running the tests leaks in: each test passes the environment it means. */
const cleanEnv: NodeJS.ProcessEnv = {}

/** The test gateway, with its inner (encapsulated) instance, where the transport is decorated. */
async function startGateway (config: Record<string, unknown>, opts: ServerOptions): Promise<TestGateway & { inner: FastifyInstance }> {
  let inner: FastifyInstance | undefined
  const gw = await startOuter(config, { ...opts, onGateway: g => { inner = g } })
  if (inner === undefined) throw new Error('no inner gateway')
  return { ...gw, inner }
}

function openaiClient (gw: TestGateway): OpenAI {
  return new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
}

async function failure (p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(err)}`)
  return err
}

function tunnels (gw: { inner: FastifyInstance }): { connects: number, opening: number } {
  let connects = 0
  let opening = 0
  for (const c of gw.inner.gatewayTransport.tunnelCounts().values()) { connects += c.connects; opening += c.opening }
  return { connects, opening }
}

t.test('a proxy that closes every tunnel: a 502 naming it, a bounded number of CONNECTs, a warning', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy({ mode: 'drop' })
  const proxyUrl = `http://alice:s3cret-pass@127.0.0.1:${proxy.port}`
  const gw = await startGateway({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    PROXY_URL: proxyUrl,
    REQUEST_MAX_RETRIES: 2,
    UPSTREAM_CONNECT_TIMEOUT_MS: 2000,
    UPSTREAM_HEADERS_TIMEOUT_MS: 2000
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await gw.close(); await proxy.close(); await upstream.close() })
  const started = Date.now()
  const err = await failure(openaiClient(gw).chat.completions.create(ask))
  const elapsed = Date.now() - started
  t.equal(err.status, 502)
  t.match(err.message, `The upstream proxy http://alice:***@127.0.0.1:${proxy.port} could not open a tunnel to 127.0.0.1:${upstream.port}: the proxy closed the connection before answering CONNECT`)
  t.equal((err.error as { code?: string }).code, 'upstream_proxy_failed')
  t.ok(proxy.connects.length >= 1 && proxy.connects.length <= 3, `one CONNECT per attempt (saw ${proxy.connects.length})`)
  t.ok(elapsed < 4000, `answered within the configured timeouts (${elapsed} ms)`)
  const seen = proxy.connects.length
  await sleep(300)
  t.equal(proxy.connects.length, seen, 'no CONNECT after the answer')
  t.equal(tunnels(gw).opening, 0, 'nothing is still connecting')
  t.equal(upstream.requests.length, 0)
  const warnings = gw.logs.filter(l => l.includes('upstream proxy failed'))
  t.ok(warnings.length >= 1, 'a warning in the log')
  t.match(warnings[0], /"level":40/)
  t.notOk(gw.logs.some(l => l.includes('s3cret-pass')), 'the proxy password is in no log line')
  t.notOk(JSON.stringify(err.error).includes('s3cret-pass'), 'nor in the error')
})

t.test('a proxy that accepts and never answers CONNECT: a 504 naming it within the connect timeout', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy({ mode: 'silent' })
  const gw = await startGateway({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    PROXY_URL: proxy.url,
    REQUEST_MAX_RETRIES: 1,
    UPSTREAM_CONNECT_TIMEOUT_MS: 700,
    UPSTREAM_HEADERS_TIMEOUT_MS: 2000,
    UPSTREAM_BODY_TIMEOUT_MS: 2000
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await gw.close(); await proxy.close(); await upstream.close() })
  const started = Date.now()
  const err = await failure(openaiClient(gw).chat.completions.create(ask))
  const elapsed = Date.now() - started
  t.equal(err.status, 504)
  t.equal((err.error as { code?: string }).code, 'upstream_proxy_timeout')
  t.match(err.message, `The upstream proxy http://127.0.0.1:${proxy.port} did not open a tunnel to 127.0.0.1:${upstream.port} within 700 ms`)
  t.ok(proxy.connects.length >= 1 && proxy.connects.length <= 2, `one CONNECT per attempt (saw ${proxy.connects.length})`)
  t.ok(elapsed < 4000, `answered within the configured timeouts (${elapsed} ms), not after undici's 300 s`)
  await sleep(200)
  t.equal(proxy.openSockets(), 0, 'the unanswered CONNECTs were closed')
})

t.test('the client leaves while CONNECT hangs: the tunnel attempt ends at once', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy({ mode: 'silent' })
  const gw = await startGateway({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    PROXY_URL: proxy.url,
    UPSTREAM_CONNECT_TIMEOUT_MS: 30_000
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await gw.close(); await proxy.close(); await upstream.close() })
  const controller = new AbortController()
  const pending = openaiClient(gw).chat.completions.create(ask, { signal: controller.signal }).then(() => undefined, (e: unknown) => e)
  for (let i = 0; i < 100 && proxy.connects.length === 0; i++) await sleep(20)
  t.equal(proxy.connects.length, 1, 'the CONNECT reached the proxy')
  controller.abort()
  t.ok((await pending) instanceof OpenAI.APIUserAbortError)
  await sleep(1000)
  t.equal(proxy.openSockets(), 0, 'no socket to the proxy one second after the client left')
  t.equal(tunnels(gw).opening, 0, 'nothing is still connecting')
  t.equal(proxy.connects.length, 1, 'and no new CONNECT')
})

t.test('a working proxy with credentials carries the call; wrong credentials are a 502 that says so, not retried', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy({ user: 'bob', password: 'p@ss word' })
  const good = await startGateway({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    PROXY_URL: `http://bob:${encodeURIComponent('p@ss word')}@127.0.0.1:${proxy.port}`
  }, { proxyEnv: cleanEnv })
  const bad = await startGateway({
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    PROXY_URL: `http://bob:wrong@127.0.0.1:${proxy.port}`,
    REQUEST_MAX_RETRIES: 2
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await good.close(); await bad.close(); await proxy.close(); await upstream.close() })
  const answer = await openaiClient(good).chat.completions.create(ask)
  t.equal(answer.choices[0]?.message.content, 'echo: ping')
  t.same(proxy.connects, [`127.0.0.1:${upstream.port}`])
  t.equal(proxy.authorizations[0], `Basic ${Buffer.from('bob:p@ss word').toString('base64')}`)
  t.ok(good.logs.some(l => l.includes(`upstream route of openai-custom: via http://bob:***@127.0.0.1:${proxy.port} (PROXY_URL)`)), 'the start-up log names the proxy, masked')

  const err = await failure(openaiClient(bad).chat.completions.create(ask))
  t.equal(err.status, 502)
  t.match(err.message, /could not open a tunnel to 127\.0\.0\.1:\d+: it answered CONNECT with 407 Proxy Authentication Required: check the user and password in the proxy URL/)
  t.equal(proxy.connects.length, 2, 'a refused login is not retried')
})

t.test('NO_PROXY exempts hosts from PROXY_URL (config key or environment)', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy({ mode: 'drop' })
  const byConfig = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: proxy.url, NO_PROXY: 'example.com, 127.0.0.0/8' }, { proxyEnv: cleanEnv })
  const byEnv = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: proxy.url }, { proxyEnv: { no_proxy: `localhost,127.0.0.1:${upstream.port}` } })
  t.teardown(async () => { await byConfig.close(); await byEnv.close(); await proxy.close(); await upstream.close() })
  t.equal((await openaiClient(byConfig).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.equal((await openaiClient(byEnv).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.equal(proxy.connects.length, 0, 'the proxy saw nothing')
  t.ok(byConfig.logs.some(l => l.includes('NO_PROXY example.com, 127.0.0.0/8')), 'the start-up log shows the exemptions')
})

t.test('PROXY_ENABLED_PROVIDERS limits PROXY_URL to the providers it lists', async t => {
  const openai = await startFakeOpenAI()
  const claude = await startFakeAnthropic()
  const proxy = await startFakeProxy()
  const gw = await startGateway({
    MODEL_PROVIDER: 'openai-custom,claude-custom',
    OPENAI_BASE_URL: `${openai.url}/v1`,
    CLAUDE_BASE_URL: `${claude.url}/v1`,
    CLAUDE_API_KEY: 'sk-ant-test',
    PROXY_URL: proxy.url,
    PROXY_ENABLED_PROVIDERS: ['claude-custom']
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await gw.close(); await proxy.close(); await openai.close(); await claude.close() })
  t.equal((await openaiClient(gw).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.same(proxy.connects, [], 'openai-custom went direct')
  const anthropic = new Anthropic({ apiKey: 'unused', baseURL: gw.url, maxRetries: 0 })
  const msg = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'model-provider': 'claude-custom' } })
  t.equal(msg.content[0]?.type, 'text')
  t.same(proxy.connects, [`127.0.0.1:${claude.port}`], 'claude-custom went through the proxy')
  t.ok(gw.logs.some(l => l.includes('upstream route of openai-custom: direct')))
  t.ok(gw.logs.some(l => l.includes(`upstream route of claude-custom: via http://127.0.0.1:${proxy.port} (PROXY_URL)`)))
})

t.test('an empty proxy variable does not hide a set one', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy()
  const plain = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1` }, { proxyEnv: { HTTP_PROXY: '', http_proxy: proxy.url } })
  // An https upstream: only the CONNECT matters here (the fake upstream speaks plain HTTP, so TLS then fails).
  const tls = await startGateway({ OPENAI_BASE_URL: `https://127.0.0.1:${upstream.port}/v1`, REQUEST_MAX_RETRIES: 0 }, { proxyEnv: { HTTP_PROXY: '', https_proxy: '', HTTPS_PROXY: proxy.url } })
  t.teardown(async () => { await plain.close(); await tls.close(); await proxy.close(); await upstream.close() })
  t.equal((await openaiClient(plain).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.same(proxy.connects, [`127.0.0.1:${upstream.port}`], 'http_proxy was used although HTTP_PROXY is empty')
  const err = await failure(openaiClient(tls).chat.completions.create(ask))
  t.equal(err.status, 502)
  t.same(proxy.connects, [`127.0.0.1:${upstream.port}`, `127.0.0.1:${upstream.port}`], 'HTTPS_PROXY was used although HTTP_PROXY is empty')
  t.match(err.message, `The upstream proxy http://127.0.0.1:${proxy.port} could not open a tunnel to 127.0.0.1:${upstream.port}: `, 'a TLS failure inside the tunnel names the proxy too')
})

t.test('SOCKS5 proxies, with and without credentials', async t => {
  const upstream = await startFakeOpenAI()
  const open = await startFakeSocks5()
  const locked = await startFakeSocks5({ user: 'carol', password: 'hunter2' })
  const viaOpen = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: open.url }, { proxyEnv: cleanEnv })
  const viaLocked = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: locked.url }, { proxyEnv: cleanEnv })
  const wrong = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: `socks5h://carol:nope@127.0.0.1:${locked.port}`, REQUEST_MAX_RETRIES: 0 }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await viaOpen.close(); await viaLocked.close(); await wrong.close(); await open.close(); await locked.close(); await upstream.close() })

  t.equal((await openaiClient(viaOpen).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.same(open.connects, [`127.0.0.1:${upstream.port}`])
  const stream = await openaiClient(viaLocked).chat.completions.create({ ...ask, stream: true })
  let text = ''
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
  t.equal(text, 'echo: ping', 'a stream through SOCKS5 with a login')
  t.same(locked.logins, ['carol:hunter2'])
  t.ok(viaLocked.logs.some(l => l.includes(`upstream route of openai-custom: via socks5://carol:***@127.0.0.1:${locked.port} (PROXY_URL)`)))

  const err = await failure(openaiClient(wrong).chat.completions.create(ask))
  t.equal(err.status, 502)
  t.match(err.message, `The upstream proxy socks5h://carol:***@127.0.0.1:${locked.port} could not open a tunnel to 127.0.0.1:${upstream.port}: `)
  t.notOk(wrong.logs.some(l => l.includes('hunter2') || l.includes(':nope@')), 'no password in the log')
})

t.test('a proxy URL that cannot work fails start-up with the key named', async t => {
  await t.rejects(startGateway({ PROXY_URL: 'ftp://127.0.0.1:21' }, { proxyEnv: cleanEnv }), /PROXY_URL: has the scheme ftp; expected http, https, socks5/)
  await t.rejects(startGateway({}, { proxyEnv: { HTTPS_PROXY: 'gopher://x' } }), /HTTPS_PROXY: has the scheme gopher/)
})

t.test('a pool member can carry its own proxy; its siblings go direct', async t => {
  const upstream = await startFakeOpenAI()
  const proxy = await startFakeProxy()
  const gw = await startGateway({
    PROVIDER_POOLS: {
      'openai-custom': {
        strategy: 'fill-first',
        members: [
          { name: 'tunnelled', options: { OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: `socks5://127.0.0.1:1` } },
          { name: 'plain', options: { OPENAI_BASE_URL: `${upstream.url}/v1` } }
        ]
      }
    },
    REQUEST_MAX_RETRIES: 0
  }, { proxyEnv: cleanEnv })
  const viaHttp = await startGateway({
    PROVIDER_POOLS: { 'openai-custom': { members: [{ name: 'only', options: { OPENAI_BASE_URL: `${upstream.url}/v1`, PROXY_URL: proxy.url } }] } }
  }, { proxyEnv: cleanEnv })
  t.teardown(async () => { await gw.close(); await viaHttp.close(); await proxy.close(); await upstream.close() })
  t.ok(gw.logs.some(l => l.includes('upstream route of openai-custom/tunnelled: via socks5://127.0.0.1:1 (PROXY_URL)')))
  t.ok(gw.logs.some(l => l.includes('upstream route of openai-custom/plain: direct')))
  // The first member's SOCKS proxy refuses connections: the request fails over to the direct member.
  t.equal((await openaiClient(gw).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.equal((await openaiClient(viaHttp).chat.completions.create(ask)).choices[0]?.message.content, 'echo: ping')
  t.same(proxy.connects, [`127.0.0.1:${upstream.port}`])
})
