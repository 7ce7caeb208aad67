import t from 'tap'
import OpenAI from 'openai'
import { startFakeOpenAI, completionBody } from '../fakes/openai-upstream.js'
import { sendJson } from '../fakes/http-fake.js'
import { startGateway } from '../helpers/gateway.js'

const KEY = 'sk-client-secret-1234'
const UPSTREAM_KEY = 'sk-upstream-secret-5678'

for (const passthrough of [true, false]) {
  const mode = passthrough ? 'passthrough' : 'translated'

  t.test(`OpenAI surface → openai-custom (${mode})`, async t => {
    const upstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY })
    const gw = await startGateway({ REQUIRED_API_KEY: KEY, OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: `${upstream.url}/v1`, PASSTHROUGH: passthrough })
    t.teardown(async () => { await gw.close(); await upstream.close() })
    const client = new OpenAI({ apiKey: KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 })

    await t.test('non-stream text, unknown fields reach the upstream', async t => {
      const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], temperature: 0.3, ...({ custom_vendor_flag: 'x' } as object) })
      t.equal(res.choices[0]?.message.content, 'echo: hello')
      t.equal(res.choices[0]?.finish_reason, 'stop')
      t.equal(res.usage?.total_tokens, 17)
      const sent = upstream.lastChat()?.json as Record<string, unknown>
      t.equal(sent.temperature, 0.3)
      t.equal(sent.custom_vendor_flag, 'x', 'unknown field passed through')
      t.equal(upstream.lastChat()?.headers.authorization, `Bearer ${UPSTREAM_KEY}`, 'upstream key, not the client key')
    })

    await t.test('stream text accepted by finalChatCompletion', async t => {
      upstream.respondWith({ content: 'Hello there, friend.' })
      const stream = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } })
      const final = await stream.finalChatCompletion()
      t.equal(final.choices[0]?.message.content, 'Hello there, friend.')
      t.equal(final.choices[0]?.finish_reason, 'stop')
      t.equal(final.usage?.completion_tokens, 5)
      await new Promise(resolve => setTimeout(resolve, 50))
      const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text()
      t.match(metrics, /switchboard_tokens_total\{provider="openai-custom",model="gpt-4o",direction="out"\} 10/, 'the stream\'s usage adds to the first request\'s in the metrics')
    })

    await t.test('streamed parallel tool calls', async t => {
      upstream.respondWith({
        content: null,
        toolCalls: [
          { id: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_b2', name: 'get_time', arguments: '{"tz":"Europe/Oslo"}' }
        ]
      })
      const stream = client.chat.completions.stream({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'weather and time in Oslo' }],
        tools: [
          { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
          { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } }
        ]
      })
      const final = await stream.finalChatCompletion()
      const calls = final.choices[0]?.message.tool_calls ?? []
      t.equal(calls.length, 2)
      t.same(calls.map(c => c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []), [
        ['call_a1', 'get_weather', { city: 'Oslo' }],
        ['call_b2', 'get_time', { tz: 'Europe/Oslo' }]
      ])
      t.equal(final.choices[0]?.finish_reason, 'tool_calls')
    })

    await t.test('tool-result round trip and images reach the upstream', async t => {
      upstream.respondWith({ content: 'It is 12C.' })
      const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
      const res = await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'call_a1', content: '12C' }
        ]
      })
      t.equal(res.choices[0]?.message.content, 'It is 12C.')
      const sent = upstream.lastChat()?.json as { messages: Array<Record<string, unknown>> }
      const user = sent.messages.find(m => m.role === 'user') as { content: Array<Record<string, unknown>> }
      t.same(user.content[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } })
      const tool = sent.messages.find(m => m.role === 'tool')
      t.equal(tool?.tool_call_id, 'call_a1')
      t.equal(tool?.content, '12C')
    })

    await t.test('model list from the upstream, and one model', async t => {
      const list = await client.models.list()
      t.same(list.data.map(m => m.id), ['gpt-4o', 'gpt-4o-mini'])
      const one = await client.models.retrieve('gpt-4o-mini')
      t.equal(one.id, 'gpt-4o-mini')
      t.equal(((await client.models.retrieve('nope').catch((e: unknown) => e)) as { status?: number }).status, 404)
    })
  })
}

t.test('upstream failures reach the OpenAI client with the right status', async t => {
  const upstream = await startFakeOpenAI()
  t.teardown(async () => { await upstream.close() })
  // A fresh gateway per case: failures cool the credential down, which is the next case's business, not this one's.
  const gateway = async (t: { teardown: (fn: () => Promise<void>) => void }, extra: Record<string, unknown> = {}) => {
    const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, REQUEST_MAX_RETRIES: 2, REQUEST_BASE_DELAY: 1, REQUEST_MAX_DELAY: 50, ...extra })
    t.teardown(async () => { await gw.close() })
    return { gw, client: new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 }) }
  }
  const ask = async (client: OpenAI, stream: boolean) => stream
    ? await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true })
    : await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
  const failure = async (p: Promise<unknown>) => await p.then(() => undefined, (e: unknown) => e)

  await t.test('429 keeps Retry-After and the upstream message; the one credential is asked again while it cools down', async t => {
    upstream.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 429, { error: { message: 'Rate limit reached for gpt-4o', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '7' }))
    const before = upstream.requests.length
    const { client } = await gateway(t)
    const first = await failure(ask(client, false))
    t.ok(first instanceof OpenAI.RateLimitError)
    t.equal((first as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'), '7')
    t.match((first as Error).message, /Rate limit reached for gpt-4o/)
    t.equal(upstream.requests.length - before, 1, 'a Retry-After beyond REQUEST_MAX_DELAY is not waited for')
    const second = await failure(ask(client, true))
    t.ok(second instanceof OpenAI.RateLimitError, 'the stream request gets the upstream\'s 429 too')
    t.equal((second as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'), '7')
    t.match((second as Error).message, /Rate limit reached for gpt-4o/)
    t.equal(upstream.requests.length - before, 2, 'nothing else could serve, so the cooling credential was asked')
  })

  await t.test('500 is retried, then surfaces as 500', async t => {
    upstream.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }))
    const before = upstream.requests.length
    const { client } = await gateway(t)
    const err = await failure(ask(client, false))
    t.ok(err instanceof OpenAI.InternalServerError)
    t.match((err as Error).message, /The server had an error/)
    t.equal(upstream.requests.length - before, 3, 'one attempt and two retries')
  })

  await t.test('a retry that succeeds is invisible to the client', async t => {
    let n = 0
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      if (n++ === 0) sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } })
      else sendJson(res, 200, completionBody({ content: 'second time lucky' }))
    })
    const { client } = await gateway(t)
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
    t.equal(res.choices[0]?.message.content, 'second time lucky')
  })

  await t.test('a stalled upstream gives 504', async t => {
    upstream.route('POST /v1/chat/completions', () => { /* never answers */ })
    const { client } = await gateway(t, { REQUEST_MAX_RETRIES: 0, UPSTREAM_HEADERS_TIMEOUT_MS: 300 })
    t.equal(((await failure(ask(client, false))) as { status?: number }).status, 504)
  })

  await t.test('an unreachable upstream gives 502', async t => {
    const { client } = await gateway(t, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', REQUEST_MAX_RETRIES: 0 })
    t.equal(((await failure(ask(client, true))) as { status?: number }).status, 502)
  })

  await t.test('an upstream reset mid-stream becomes the in-stream error the SDK throws', async t => {
    upstream.route('POST /v1/chat/completions', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { role: 'assistant', content: 'partial' }, finish_reason: null }] })}\n\n`)
      setTimeout(() => res.socket?.destroy(), 30)
    })
    for (const passthrough of [true, false]) {
      const { client } = await gateway(t, { PASSTHROUGH: passthrough })
      const stream = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      let text = ''
      stream.on('content', delta => { text += delta })
      const err = await failure(stream.finalChatCompletion())
      t.ok(err instanceof OpenAI.APIError, `APIError from the in-stream error (passthrough=${String(passthrough)})`)
      t.match((err as Error).message, /upstream/i)
      t.equal(text, 'partial', 'what arrived before the reset was delivered')
    }
  })

  await t.test('a bad request body names the field when it must be translated', async t => {
    const { gw } = await gateway(t, { PASSTHROUGH: false })
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o' }) })
    t.equal(res.status, 400)
    const body = await res.json() as { error: { message: string, type: string } }
    t.equal(body.error.type, 'invalid_request_error')
    t.match(body.error.message, /messages/)
    const bad = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' })
    t.equal(bad.status, 400)
    t.equal(((await bad.json()) as { error: { type: string } }).error.type, 'invalid_request_error')
    const part = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }) })
    t.equal(part.status, 400)
    t.match(((await part.json()) as { error: { message: string } }).error.message, /messages\[0\]\.content/)
  })

  await t.test('on the passthrough path the upstream judges the body: its own 400 reaches the client', async t => {
    const upstreamError = { error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } }
    upstream.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 400, upstreamError))
    const { gw } = await gateway(t)
    const before = upstream.requests.length
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o' }) })
    t.equal(res.status, 400)
    t.same(await res.json(), upstreamError, 'the upstream\'s answer, as it gave it')
    t.equal(upstream.requests.length - before, 1)
    // What routing needs is still checked here: unparsable JSON, or no model, never leaves the gateway.
    const bad = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' })
    t.equal(bad.status, 400)
    const noModel = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [] }) })
    t.equal(noModel.status, 400)
    t.match(((await noModel.json()) as { error: { message: string } }).error.message, /model/)
    t.equal(upstream.requests.length - before, 1)
  })

  await t.test('an unknown provider is a 400 naming the available ones', async t => {
    const { gw } = await gateway(t)
    const res = await fetch(`${gw.url}/nope-provider/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) })
    t.equal(res.status, 400)
    t.match(((await res.json()) as { error: { message: string } }).error.message, /available: openai-custom/)
  })
})

t.test('a client that disconnects mid-stream aborts the upstream request', async t => {
  const upstream = await startFakeOpenAI()
  let upstreamClosed: () => void = () => {}
  upstream.route('POST /v1/chat/completions', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'part' }, finish_reason: null }] })}\n\n`)
    res.on('close', () => upstreamClosed())
    // keeps the stream open until the gateway hangs up
  })
  for (const passthrough of [true, false]) {
    const closed = new Promise<void>(resolve => { upstreamClosed = resolve })
    const gw = await startGateway({ OPENAI_BASE_URL: `${upstream.url}/v1`, PASSTHROUGH: passthrough })
    const controller = new AbortController()
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal
    })
    t.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
    t.equal(res.headers.get('x-accel-buffering'), 'no')
    const reader = res.body!.getReader()
    const first = await reader.read()
    t.match(Buffer.from(first.value ?? new Uint8Array()).toString(), /part/)
    controller.abort()
    await closed
    t.pass(`upstream connection closed after the client left (passthrough=${String(passthrough)})`)
    await gw.close()
  }
  await upstream.close()
})
