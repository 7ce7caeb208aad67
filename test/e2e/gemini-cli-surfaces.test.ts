import t, { type Test } from 'tap'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai'
import { READY_PROJECT, startFakeCodeAssist, VALIDATION_URL, type FakeCodeAssist } from '../fakes/code-assist.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'

/**
 * Every surface through gemini-cli-oauth, with the official SDKs as clients, against the fake Code Assist: OpenAI
 * chat (stream with finalChatCompletion, streamed tool calls, an image), Anthropic messages.stream().finalMessage(),
 * @google/genai through the near-passthrough (body re-wrapped untouched, stream unwrapped chunk by chunk), OpenAI
 * responses; then the errors: 429 quota with Retry-After and the cooldown, 403 VALIDATION_REQUIRED, unknown model.
 */

const KEY = 'sk-switchboard-client-key'
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

interface Env { fake: FakeCodeAssist, gw: TestGateway }

async function start (t: Test): Promise<Env> {
  const fake = await startFakeCodeAssist()
  const dir = await mkdtemp(join(tmpdir(), 'gemini-cli-e2e-'))
  const file = join(dir, 'oauth_creds.json')
  await writeFile(file, JSON.stringify({ access_token: fake.oauth.accessToken(), refresh_token: fake.oauth.refreshToken(), token_type: 'Bearer', expiry_date: Date.now() + 3_600_000 }), { mode: 0o600 })
  const gw = await startGateway({
    REQUIRED_API_KEY: KEY,
    MODEL_PROVIDER: 'gemini-cli-oauth',
    GEMINI_OAUTH_CREDS_FILE_PATH: file,
    GEMINI_OAUTH_TOKEN_URL: fake.oauth.tokenUrl,
    GEMINI_BASE_URL: fake.url,
    CRON_REFRESH_TOKEN: false,
    REQUEST_MAX_RETRIES: 1
  })
  t.teardown(async () => { await gw.close(); await fake.close() })
  return { fake, gw }
}

const openai = (gw: TestGateway): OpenAI => new OpenAI({ apiKey: KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 })
const genai = (gw: TestGateway): GoogleGenAI => new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gw.url } })

const TOOL_CHUNKS = [
  { candidates: [{ content: { role: 'model', parts: [{ text: 'Checking both.' }] } }], modelVersion: 'gemini-2.5-pro' },
  {
    candidates: [{
      content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2lnLTE=' }, { functionCall: { name: 'get_time', args: { tz: 'Europe/Oslo' } } }] },
      finishReason: 'STOP'
    }],
    usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, totalTokenCount: 42 },
    modelVersion: 'gemini-2.5-pro'
  }
]
const TOOLS = [
  { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } }
]

t.test('OpenAI chat through gemini-cli-oauth', async t => {
  const { fake, gw } = await start(t)
  const client = openai(gw)

  await t.test('non-stream: translated, wrapped with the discovered project', async t => {
    const res = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'hello' }] })
    t.equal(res.choices[0]?.message.content, 'echo: hello')
    t.equal(res.usage?.prompt_tokens, 9)
    const sent = fake.calls('generateContent').at(-1)?.json as Record<string, unknown>
    t.match(sent, { model: 'gemini-2.5-flash', project: READY_PROJECT, request: { systemInstruction: { parts: [{ text: 'Be terse.' }] }, contents: [{ role: 'user', parts: [{ text: 'hello' }] }] } })
    t.equal(fake.requests.find(r => r.url.includes('generateContent'))?.headers.authorization, `Bearer ${fake.oauth.accessToken()}`, 'the Google token upstream, never the client key')
  })

  await t.test('stream accepted by finalChatCompletion', async t => {
    const final = await client.chat.completions.stream({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'stream please' }], stream_options: { include_usage: true } }).finalChatCompletion()
    t.equal(final.choices[0]?.message.content, 'echo: stream please')
    t.equal(final.choices[0]?.finish_reason, 'stop')
    t.equal(final.usage?.completion_tokens, 4)
    t.equal(fake.calls('streamGenerateContent').length, 1)
    t.match(fake.calls('streamGenerateContent')[0]?.url, /\?alt=sse$/)
  })

  await t.test('streamed tool calls', async t => {
    fake.respondWith(TOOL_CHUNKS)
    t.teardown(() => fake.respondWith(undefined))
    const final = await client.chat.completions.stream({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'weather and time in Oslo' }], tools: TOOLS }).finalChatCompletion()
    const calls = final.choices[0]?.message.tool_calls ?? []
    t.same(calls.map(c => c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : []), [['get_weather', { city: 'Oslo' }], ['get_time', { tz: 'Europe/Oslo' }]])
    t.equal(final.choices[0]?.finish_reason, 'tool_calls')
    t.equal(final.choices[0]?.message.content, 'Checking both.')
    const request = (fake.calls('streamGenerateContent').at(-1)?.json as { request: { tools: Array<{ functionDeclarations: Array<{ name: string }> }> } }).request
    t.same(request.tools[0]?.functionDeclarations.map(d => d.name), ['get_weather', 'get_time'])
  })

  await t.test('an image reaches Code Assist as inlineData', async t => {
    await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] })
    const parts = (fake.calls('generateContent').at(-1)?.json as { request: { contents: Array<{ parts: unknown[] }> } }).request.contents[0]?.parts
    t.same(parts, [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: PNG } }])
  })

  await t.test('the model list is the configured one', async t => {
    const list = await client.models.list()
    t.same(list.data.map(m => m.id), ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-3-pro-preview', 'gemini-3-flash-preview'])
  })

  await t.test('no token or key in the server log', async t => {
    const logs = gw.logs.join('\n')
    t.ok(logs.length > 0)
    for (const secret of [KEY, fake.oauth.accessToken(), fake.oauth.refreshToken()]) t.notOk(logs.includes(secret), 'secret absent from the log')
  })

  await t.test('an unknown model is a 404 that lists the served ones', async t => {
    const err = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)
    t.ok(err instanceof OpenAI.NotFoundError)
    t.match((err as Error).message, /gpt-4o.*Available: gemini-2\.5-pro, gemini-2\.5-flash/)
  })
})

t.test('Anthropic messages.stream().finalMessage() through gemini-cli-oauth', async t => {
  const { fake, gw } = await start(t)
  const client = new Anthropic({ apiKey: KEY, baseURL: gw.url, maxRetries: 0 })
  const final = await client.messages.stream({ model: 'gemini-2.5-flash', max_tokens: 256, messages: [{ role: 'user', content: 'from claude' }] }).finalMessage()
  t.same(final.content.map(b => b.type === 'text' ? b.text : b.type), ['echo: from claude'])
  t.equal(final.stop_reason, 'end_turn')
  fake.respondWith(TOOL_CHUNKS)
  const tools = await client.messages.stream({
    model: 'gemini-2.5-pro',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'weather and time' }],
    tools: TOOLS.map(x => ({ name: x.function.name, input_schema: x.function.parameters as Anthropic.Tool.InputSchema }))
  }).finalMessage()
  t.same(tools.content.filter(b => b.type === 'tool_use').map(b => b.type === 'tool_use' ? [b.name, b.input] : []), [['get_weather', { city: 'Oslo' }], ['get_time', { tz: 'Europe/Oslo' }]])
  t.equal(tools.stop_reason, 'tool_use')
})

t.test('@google/genai through the near-passthrough', async t => {
  const { fake, gw } = await start(t)
  const ai = genai(gw)

  await t.test('generateContent: the client body re-wrapped untouched, the answer unwrapped', async t => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi gemini',
      config: { systemInstruction: 'Be terse.', temperature: 0.2, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_NONE' as never }] }
    })
    t.equal(res.text, 'echo: hi gemini')
    t.equal(res.responseId, `trace-${fake.calls('generateContent').length}`, 'traceId → responseId')
    t.equal(res.usageMetadata?.totalTokenCount, 13)
    const sent = fake.calls('generateContent').at(-1)?.json as Record<string, unknown>
    t.same(sent.request, {
      contents: [{ parts: [{ text: 'hi gemini' }], role: 'user' }],
      systemInstruction: { parts: [{ text: 'Be terse.' }], role: 'user' },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      generationConfig: { temperature: 0.2 }
    }, 'exactly what the SDK sent, inside the wrapper')
    t.equal(sent.model, 'gemini-2.5-flash')
  })

  await t.test('generateContentStream: chunks unwrapped one by one; signatures kept verbatim', async t => {
    fake.respondWith(TOOL_CHUNKS)
    const chunks: GenerateContentResponse[] = []
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'tools please' })) chunks.push(chunk)
    t.equal(chunks.length, 2)
    t.equal(chunks[0]?.text, 'Checking both.')
    t.same(chunks[1]?.functionCalls?.map(c => [c.name, c.args]), [['get_weather', { city: 'Oslo' }], ['get_time', { tz: 'Europe/Oslo' }]])
    t.equal(chunks[1]?.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature, 'c2lnLTE=')
    t.equal(chunks[1]?.candidates?.[0]?.finishReason, 'STOP')
    t.match(fake.calls('streamGenerateContent').at(-1)?.url, /:streamGenerateContent\?alt=sse$/)
    fake.respondWith(undefined)
  })

  await t.test('a chunk that is not JSON becomes a Gemini error chunk the SDK throws', async t => {
    fake.setFault('bad-chunk')
    const got: GenerateContentResponse[] = []
    const caught = await (async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'broken' })) got.push(chunk)
    })().then(() => undefined, (e: unknown) => e)
    t.equal(got[0]?.text, 'echo: ', 'what came before is delivered')
    t.ok(caught instanceof ApiError)
    t.equal((caught as ApiError).status, 502)
  })

  await t.test('countTokens goes to Code Assist countTokens', async t => {
    const res = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count these words' })
    t.ok((res.totalTokens ?? 0) > 0)
    t.match(fake.calls('countTokens').at(-1)?.json, { request: { model: 'models/gemini-2.5-flash', contents: [{ parts: [{ text: 'count these words' }] }] } })
  })

  await t.test('403 VALIDATION_REQUIRED reaches the Gemini client as our message', async t => {
    fake.setFault('validation')
    const err = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e)
    t.ok(err instanceof ApiError)
    t.equal((err as ApiError).status, 403)
    t.match((err as ApiError).message, new RegExp(`verified.*${VALIDATION_URL.replace(/[?.]/g, '\\$&')}`))
  })
})

t.test('OpenAI responses.create through gemini-cli-oauth', async t => {
  const { gw } = await start(t)
  const res = await openai(gw).responses.create({ model: 'gemini-2.5-flash', input: 'via responses' })
  t.equal(res.output_text, 'echo: via responses')
  t.equal(res.status, 'completed')
})

t.test('429 RESOURCE_EXHAUSTED: Retry-After reaches the client; the cooling credential, the only one, is still asked and serves', async t => {
  const { fake, gw } = await start(t)
  fake.setFault('quota')
  const client = openai(gw)
  const err = await client.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.RateLimitError)
  const apiErr = err as InstanceType<typeof OpenAI.APIError>
  t.equal(apiErr.headers?.get('retry-after'), '7500')
  t.equal(apiErr.headers?.get('x-should-retry'), 'false')
  t.match(apiErr.message, /exhausted your capacity/)
  const calls = fake.calls('generateContent').length
  // The fake's quota fault is one-shot: the upstream would serve now, so the gateway must not refuse on its own.
  const again = await genai(gw).models.generateContent({ model: 'gemini-2.5-pro', contents: 'y' })
  t.equal(again.text, 'echo: y', 'served by the cooling credential, the only one')
  t.equal(fake.calls('generateContent').length, calls + 1)
})
