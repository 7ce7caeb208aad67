import t, { type Test } from 'tap'
import OpenAI from 'openai'
import { Agent, fetch as undiciFetch } from 'undici'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { completionFrames, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { SHIPPED_CONF, startNginx } from '../helpers/nginx.js'

// nginx for real, with deploy/nginx.conf as shipped (only the marked listen/upstream/path lines are templated),
// in front of the real gateway, in front of a fake OpenAI upstream whose stream the test paces.

const TEXT = 'one two three'

/** A client whose connections come from 127.0.0.x, so "the client's address" differs from nginx's own 127.0.0.1. */
function clientFrom (address: string, baseURL: string): { client: OpenAI, agent: Agent } {
  const agent = new Agent({ localAddress: address })
  const client = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, fetch: undiciFetch as unknown as typeof fetch, fetchOptions: { dispatcher: agent } as Record<string, unknown> })
  return { client, agent }
}

interface Paced { firstSeen: () => void, upstreamFinished: () => boolean }

/**
 * The upstream sends its first text chunk, then holds the stream open until the client has seen that chunk (bounded,
 * so a buffering proxy fails the assertion instead of hanging the test), then pauses, then sends the rest.
 */
function paceUpstream (upstream: FakeOpenAI, pauseMs: number): Paced {
  let release: () => void = () => {}
  const seen = new Promise<void>(resolve => { release = resolve })
  let finished = false
  upstream.route('POST /v1/chat/completions', async (_req, res) => {
    const frames = completionFrames({ content: TEXT }, { textChunks: 3 })
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write(frames.slice(0, 2).join(''))
    await Promise.race([seen, sleep(20_000, undefined, { ref: false })])
    await sleep(pauseMs)
    if (res.destroyed) return
    for (const frame of frames.slice(2)) res.write(frame)
    finished = true
    res.end()
  })
  return { firstSeen: release, upstreamFinished: () => finished }
}

interface Outcome { text: string, finish?: string, error?: unknown, finishedAtFirstChunk?: boolean }

async function streamThrough (client: OpenAI, paced: Paced): Promise<Outcome> {
  const out: Outcome = { text: '' }
  try {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'count' }] })
    for await (const chunk of stream) {
      const choice = chunk.choices[0]
      const piece = choice?.delta.content ?? ''
      if (piece !== '' && out.text === '') {
        out.finishedAtFirstChunk = paced.upstreamFinished()
        paced.firstSeen()
      }
      out.text += piece
      if (choice?.finish_reason != null) out.finish = choice.finish_reason
    }
  } catch (err) {
    out.error = err
  }
  return out
}

async function setup (t: Test, edit?: (conf: string) => string): Promise<{ upstream: FakeOpenAI, gw: TestGateway, nginxUrl: string }> {
  const upstream = await startFakeOpenAI()
  const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, TRUST_PROXY: '127.0.0.1' })
  const nginx = await startNginx(`127.0.0.1:${new URL(gw.url).port}`, edit)
  t.teardown(async () => { await nginx.stop(); await gw.close(); await upstream.close() })
  return { upstream, gw, nginxUrl: nginx.url }
}

t.test('stream chunks reach the client through nginx as the upstream sends them', async t => {
  const { upstream, nginxUrl } = await setup(t)
  const { client, agent } = clientFrom('127.0.0.2', `${nginxUrl}/v1`)
  t.teardown(async () => { await agent.close() })
  const paced = paceUpstream(upstream, 0)
  const out = await streamThrough(client, paced)
  t.equal(out.error, undefined, 'no error')
  t.equal(out.finishedAtFirstChunk, false, 'the first chunk arrived while the upstream was still holding the stream open')
  t.equal(out.text, TEXT)
  t.equal(out.finish, 'stop')
})

t.test('a pause in the stream does not cut it (and the same pause past a short read timeout would)', async t => {
  const pauseMs = 3000
  const shipped = await setup(t)
  const a = clientFrom('127.0.0.2', `${shipped.nginxUrl}/v1`)
  t.teardown(async () => { await a.agent.close() })
  const kept = await streamThrough(a.client, paceUpstream(shipped.upstream, pauseMs))
  t.equal(kept.error, undefined, 'no error after the pause')
  t.equal(kept.text, TEXT, 'the whole text arrived after the pause')
  t.equal(kept.finish, 'stop')

  // Control: the same nginx config with a 1 s read timeout cuts the same stream, so the pause above was real.
  const short = await setup(t, conf => conf.replace(/proxy_read_timeout\s+\w+;/, 'proxy_read_timeout 1s;'))
  const b = clientFrom('127.0.0.2', `${short.nginxUrl}/v1`)
  t.teardown(async () => { await b.agent.close() })
  const cut = await streamThrough(b.client, paceUpstream(short.upstream, pauseMs))
  t.ok(cut.error !== undefined || cut.finish === undefined, 'with a short read timeout the stream is cut')
  t.not(cut.text, TEXT)

  // The shipped timeouts are the long ones the README promises.
  const conf = readFileSync(SHIPPED_CONF, 'utf8')
  for (const key of ['proxy_read_timeout', 'proxy_send_timeout', 'send_timeout']) {
    const value = new RegExp(`${key}\\s+(\\d+)s;`).exec(conf)?.[1]
    t.ok(Number(value) >= 3600, `${key} is at least an hour (${String(value)}s)`)
  }
})

t.test('the gateway logs the real client address: trusted from nginx, ignored from anyone else', async t => {
  const { gw, nginxUrl } = await setup(t)
  const spoof = { 'x-forwarded-for': '203.0.113.9' }
  const viaNginx = clientFrom('127.0.0.2', `${nginxUrl}/v1`)
  const direct = clientFrom('127.0.0.3', `${gw.url}/v1`)
  t.teardown(async () => { await viaNginx.agent.close(); await direct.agent.close() })
  await viaNginx.client.models.list({ query: { probe: 'nginx' }, headers: spoof } as Record<string, unknown>)
  await direct.client.models.list({ query: { probe: 'direct' }, headers: spoof } as Record<string, unknown>)

  const addressOf = (probe: string): unknown => gw.logs.map(l => JSON.parse(l) as { req?: { url?: string, remoteAddress?: string } })
    .find(l => l.req?.url?.includes(`probe=${probe}`) === true)?.req?.remoteAddress
  t.equal(addressOf('nginx'), '127.0.0.2', 'through nginx: the client\'s address, not nginx\'s and not the spoofed header')
  t.equal(addressOf('direct'), '127.0.0.3', 'straight to the gateway: X-Forwarded-For from an untrusted peer is ignored')
})
