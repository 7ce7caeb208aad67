import t, { type Test } from 'tap'
import { startGateway } from '../../helpers/gateway.js'
import { PROVIDERS, type ProviderSetup, type Upstream } from './providers.js'
import { CLIENT_KEY, PNG, SCRIPTS, TOOL_OUTPUTS, type SurfaceClient, type SurfaceDriver } from './scenarios.js'

/**
 * The end-to-end matrix for one client surface: every provider behind a real gateway on 127.0.0.1, the official
 * SDK as the client and judge. One gateway per provider; the 429 case runs last since it cools the credential down.
 */
export function runMatrix (driver: SurfaceDriver, providers: ProviderSetup[] = PROVIDERS): void {
  for (const p of providers) {
    t.test(`${driver.name} client → ${p.type}`, async t => {
      const up = await p.start()
      const gw = await startGateway({ REQUIRED_API_KEY: CLIENT_KEY, REQUEST_MAX_RETRIES: 0, LOG_LEVEL: 'warn', ...up.config })
      t.teardown(async () => { await gw.close(); await up.close() })
      const client = driver.connect(gw.url, p.model)
      await textCases(t, client, up)
      await toolCases(t, client, up, p)
      await mediaAndReasoning(t, driver, client, up, p)
      if (p.protocol === driver.protocol) await passthroughBytes(t, driver, gw.url, up, p)
      if (client.countTokens !== undefined) {
        const count = client.countTokens.bind(client)
        await t.test('count tokens (the upstream count API, or the gateway estimate)', async t => {
          const n = await count('How many tokens is this sentence?')
          t.ok(Number.isInteger(n) && n > 0, `${n} tokens`)
        })
      }
      await rateLimit(t, client, up, gw.url)
    })
  }
}

const modes = [false, true]
const label = (stream: boolean): string => stream ? 'stream' : 'non-stream'

async function textCases (t: Test, client: SurfaceClient, up: Upstream): Promise<void> {
  for (const stream of modes) {
    await t.test(`text, ${label(stream)}`, async t => {
      up.respond(SCRIPTS.text)
      const a = await client.ask({ prompt: 'hello', stream })
      t.equal(a.text, SCRIPTS.text.text)
      t.same(a.calls, [])
      t.equal(a.finish, 'stop')
      t.same(a.usage, SCRIPTS.text.usage, 'usage as the upstream counted it, cache reads included')
    })
  }
}

async function toolCases (t: Test, client: SurfaceClient, up: Upstream, p: ProviderSetup): Promise<void> {
  const expected = SCRIPTS.tools.toolCalls
  await t.test('streamed parallel tool calls with fragmented arguments', async t => {
    up.respond(SCRIPTS.tools)
    const a = await client.ask({ prompt: 'Weather and time in Oslo?', stream: true, tools: true })
    t.same(a.calls.map(c => [c.name, c.args]), expected.map(c => [c.name, c.args]))
    t.equal(a.finish, 'tool_calls')
    const ids = a.calls.flatMap(c => c.id === undefined ? [] : [c.id])
    t.equal(new Set(ids).size, ids.length, 'distinct ids (a Gemini client of a Gemini upstream sees none, as from Google)')
    if (p.keepsCallIds) t.same(a.calls.map(c => c.id), expected.map(c => c.id), 'upstream ids reach the client')
  })

  await t.test('tool-result round trip', async t => {
    up.respond(SCRIPTS.tools)
    const first = await client.ask({ prompt: 'Weather and time in Oslo?', stream: false, tools: true })
    t.equal(first.calls.length, 2)
    up.respond(SCRIPTS.afterTools)
    const second = await client.followUp(first, { results: c => TOOL_OUTPUTS[c.name] ?? '' })
    t.equal(second.text, SCRIPTS.afterTools.text)
    const sent = p.read(up.last()?.json)
    t.same(sent.calls.map(c => c.name), expected.map(c => c.name), 'the assistant turn went upstream')
    t.same(sent.results.map(r => r.id), sent.calls.map(c => c.id), 'each result answers its call, by id')
    const seen = first.calls.map(c => c.id)
    if (seen.every(id => id !== undefined)) t.same(sent.results.map(r => r.id), seen, 'ids the client saw are kept')
    if (p.protocol === 'gemini') t.same(sent.results.map(r => r.name), expected.map(c => c.name), 'function names recovered')
    sent.results.forEach((r, i) => {
      const name = expected[i]?.name ?? ''
      t.match(r.output, TOOL_OUTPUTS[name] ?? '', `output of ${name}`)
    })
  })
}

async function mediaAndReasoning (t: Test, driver: SurfaceDriver, client: SurfaceClient, up: Upstream, p: ProviderSetup): Promise<void> {
  await t.test('base64 image', async t => {
    up.respond(SCRIPTS.image)
    const a = await client.ask({ prompt: 'What is in this image?', stream: false, image: PNG })
    t.equal(a.text, SCRIPTS.image.text)
    t.same(p.read(up.last()?.json).images, [{ mediaType: 'image/png', data: PNG }])
  })
  for (const stream of modes) {
    await t.test(`reasoning, ${label(stream)}`, async t => {
      up.respond(SCRIPTS.reasoning)
      const a = await client.ask({ prompt: 'hi', stream, reasoning: true })
      t.equal(a.text, SCRIPTS.reasoning.text)
      t.equal(a.reasoning, SCRIPTS.reasoning.reasoning.text)
      t.same(a.usage, { input: SCRIPTS.reasoning.usage.input, cached: 0, output: SCRIPTS.reasoning.usage.output }, 'output includes reasoning')
    })
  }
  await t.test('streamed reasoning, text and tool calls; the results go back with the signature', async t => {
    const script = SCRIPTS.thinkingTools
    up.respond(script)
    const first = await client.ask({ prompt: 'Weather in Bergen, time in Oslo?', stream: true, tools: true, reasoning: true })
    t.equal(first.reasoning, script.reasoning.text)
    t.equal(first.text, script.text)
    t.same(first.calls.map(c => [c.name, c.args]), script.toolCalls.map(c => [c.name, c.args]))
    up.respond(SCRIPTS.afterTools)
    const second = await client.followUp(first, { results: c => TOOL_OUTPUTS[c.name] ?? '' })
    t.equal(second.text, SCRIPTS.afterTools.text)
    const sent = p.read(up.last()?.json)
    t.same(sent.results.map(r => r.id), sent.calls.map(c => c.id))
    t.same(sent.signatures, driver.carriesSignatures && p.signsReasoning ? [script.reasoning.signature] : [])
  })
  await t.test('reasoning signature comes back to its vendor only', async t => {
    up.respond(SCRIPTS.reasoning)
    const first = await client.ask({ prompt: 'hi', stream: false, reasoning: true })
    up.respond(SCRIPTS.text)
    const second = await client.followUp(first, { prompt: 'And now?' })
    t.equal(second.text, SCRIPTS.text.text)
    const expected = driver.carriesSignatures && p.signsReasoning ? [SCRIPTS.reasoning.reasoning.signature] : []
    t.same(p.read(up.last()?.json).signatures, expected)
  })
}

/** Same protocol: the upstream gets the client's fields untouched and the client gets the upstream's bytes. */
async function passthroughBytes (t: Test, driver: SurfaceDriver, url: string, up: Upstream, p: ProviderSetup): Promise<void> {
  for (const stream of modes) {
    await t.test(`passthrough, ${label(stream)}: unknown field upstream, bytes back`, async t => {
      up.respond(SCRIPTS.text)
      const { path, body } = driver.rawText(p.model, stream, { x_switchboard_probe: { kept: [1, 'two'] } })
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body)
      })
      t.equal(res.status, 200)
      t.equal(await res.text(), up.render?.(SCRIPTS.text, stream))
      t.same((up.last()?.json as Record<string, unknown>).x_switchboard_probe, { kept: [1, 'two'] })
    })
  }
}

async function rateLimit (t: Test, client: SurfaceClient, up: Upstream, url: string): Promise<void> {
  await t.test('upstream 429 with Retry-After, then the cooldown', async t => {
    up.respond(SCRIPTS.rateLimit)
    const fail = async (stream: boolean): Promise<unknown> => await client.ask({ prompt: 'x', stream }).then(() => undefined, (e: unknown) => e)
    const check = (err: unknown, what: string, upstreamMessage: boolean): void => {
      const seen = client.rateLimited(err)
      t.ok(seen.ok, `${what}: the SDK's rate-limit error (${String(err)})`)
      if (upstreamMessage) t.match(String(err), SCRIPTS.rateLimit.error.message, `${what}: with the upstream message`)
      if (seen.retryAfter !== undefined) t.ok(Number(seen.retryAfter) > 0 && Number(seen.retryAfter) <= 7, `${what}: retry-after ${String(seen.retryAfter)}`)
    }
    for (const stream of modes) {
      check(await fail(stream), `${label(stream)}, from the upstream`, true)
      // The 429 cooled the credential down; lift it so the next call reaches the upstream again.
      const reset = await fetch(`${url}/provider_health/reset`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}` } })
      t.equal(reset.status, 200)
    }
    await fail(false)
    // Cooling down now, but the only credential: it is asked anyway, and its own 429 reaches the client.
    check(await fail(true), 'during the cooldown', true)
  })
}
