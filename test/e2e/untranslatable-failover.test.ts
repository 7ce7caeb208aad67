import t from 'tap'
import OpenAI from 'openai'
import { sendJson } from '../fakes/http-fake.js'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'
import { startFakeAnthropic } from '../fakes/anthropic-upstream.js'
import { startGateway } from '../helpers/gateway.js'

/**
 * A request only a same-protocol upstream can take (an OpenAI custom tool call, which has no Claude equivalent)
 * in a chain that mixes protocols: a target that would need the translation is skipped, never the reason for a
 * local 400 while another target can forward it, and an upstream that answered keeps its answer.
 */

const customHistory = {
  model: 'gpt-4o',
  messages: [
    { role: 'user', content: 'Patch the file.' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'done' }
  ]
} as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming

t.test('a translating target first: skipped, and the passthrough target behind it serves', async t => {
  const openai = await startFakeOpenAI()
  const claude = await startFakeAnthropic()
  openai.respondWith({ content: 'Patched.' })
  const gw = await startGateway({
    MODEL_PROVIDER: 'claude-custom',
    CLAUDE_BASE_URL: `${claude.url}/v1`,
    OPENAI_BASE_URL: `${openai.url}/v1`,
    providerFallbackChain: { 'claude-custom': ['openai-custom'] }
  })
  t.teardown(async () => { await gw.close(); await openai.close(); await claude.close() })
  const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const answer = await client.chat.completions.create(customHistory)
  t.equal(answer.choices[0]?.message.content, 'Patched.')
  t.equal(claude.requests.length, 0, 'nothing was sent to the upstream that cannot take the request')
  t.same(openai.lastChat()?.json, customHistory, 'the OpenAI upstream got the request as sent')
})

t.test('the passthrough target fails: its answer reaches the client, not the translator\'s 400', async t => {
  const openai = await startFakeOpenAI()
  const claude = await startFakeAnthropic()
  openai.route('POST /v1/chat/completions', (_req, res) => sendJson(res, 429, { error: { message: 'Rate limit reached for gpt-4o', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '3' }))
  const gw = await startGateway({
    CLAUDE_BASE_URL: `${claude.url}/v1`,
    OPENAI_BASE_URL: `${openai.url}/v1`,
    REQUEST_MAX_RETRIES: 0,
    providerFallbackChain: { 'openai-custom': ['claude-custom'] }
  })
  t.teardown(async () => { await gw.close(); await openai.close(); await claude.close() })
  const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const err = await client.chat.completions.create(customHistory).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OpenAI.RateLimitError, 'the OpenAI upstream\'s 429')
  t.match((err as Error).message, /Rate limit reached for gpt-4o/)
  t.equal((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'), '3')
  t.equal(claude.requests.length, 0)
})

t.test('no target can take it: the translator\'s 400, naming the field', async t => {
  const claude = await startFakeAnthropic()
  const gw = await startGateway({ MODEL_PROVIDER: 'claude-custom', CLAUDE_BASE_URL: `${claude.url}/v1` })
  t.teardown(async () => { await gw.close(); await claude.close() })
  const client = new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const err = await client.chat.completions.create(customHistory).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OpenAI.BadRequestError)
  t.match((err as Error).message, /messages\[1\]\.tool_calls\[0\]\.type/)
  t.equal(claude.requests.length, 0)
})
