import t from 'tap'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { startFakeKiro } from '../fakes/kiro-server.js'
import { startGateway } from '../helpers/gateway.js'
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-server.js'

function tokenFile (dir: string, accessToken: string, refreshToken: string, expiresAt: string): string {
  const file = join(dir, 'kiro-auth-token.json')
  writeFileSync(file, JSON.stringify({
    accessToken, refreshToken, expiresAt, authMethod: 'social', provider: 'Github', region: 'us-east-1',
    profileArn: 'arn:aws:codewhisperer:us-east-1:123456789012:profile/TEST', ideVersionNote: 'kept as is'
  }), { mode: 0o600 })
  return file
}

const script = [
  { eventType: 'assistantResponseEvent', payload: { content: 'Hello from ' } },
  { eventType: 'assistantResponseEvent', payload: { content: 'Kiro.' } },
  { eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 20, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 4, totalTokens: 24 } } }
]

t.test('two instances sharing Redis refresh an expired Kiro token once, and write it back atomically', async t => {
  const kiro = await startFakeKiro({ accessToken: 'fresh-access', refreshToken: 'refresh-1' })
  kiro.setScript(script)
  const dir = mkdtempSync(join(tmpdir(), 'sb-kiro-'))
  const file = tokenFile(dir, 'stale-access', 'refresh-1', new Date(Date.now() - 60_000).toISOString())
  const prefix = uniquePrefix('kiro-refresh')
  const config = {
    MODEL_PROVIDER: 'claude-kiro-oauth',
    KIRO_OAUTH_CREDS_FILE_PATH: file,
    KIRO_REFRESH_URL: kiro.socialRefreshUrl,
    KIRO_BASE_URL: kiro.apiUrl,
    CRON_REFRESH_TOKEN: false,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    PROMPT_LOG_MODE: 'console'
  }
  const gw1 = await startGateway(config)
  const gw2 = await startGateway(config)
  t.teardown(async () => { await gw1.close(); await gw2.close(); await kiro.close(); await deleteKeys(SHARED_REDIS_URL, prefix) })

  const ask = async (url: string) => await new Anthropic({ apiKey: 'x', baseURL: url, maxRetries: 0 })
    .messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
  const answers = await Promise.all([ask(gw1.url), ask(gw2.url), ask(gw1.url), ask(gw2.url)])
  for (const a of answers) t.same(a.content, [{ type: 'text', text: 'Hello from Kiro.' }])
  t.equal(kiro.requests.filter(r => r.path === '/refreshToken').length, 1, 'one refresh for four concurrent requests on two instances')
  const calls = kiro.requests.filter(r => r.path === '/generateAssistantResponse')
  const refreshed = kiro.validAccessToken()
  t.not(refreshed, 'stale-access')
  t.ok(calls.every(r => r.headers.authorization === `Bearer ${refreshed}`), 'every call used the refreshed token')

  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  t.equal(saved.accessToken, refreshed)
  t.equal(saved.refreshToken, 'refresh-1', 'the refresh token is kept')
  t.equal(saved.ideVersionNote, 'kept as is', 'unknown fields survive the write-back')
  t.equal(statSync(file).mode & 0o777, 0o600)
  const logs = gw1.logs.join('\n') + gw2.logs.join('\n')
  for (const secret of [refreshed, 'stale-access', 'refresh-1']) t.notOk(logs.includes(secret), 'no token in any log line or prompt log')
})

t.test('an access token rejected mid-life triggers one refresh and one retry', async t => {
  const kiro = await startFakeKiro({ accessToken: 'valid-1', refreshToken: 'refresh-x' })
  kiro.setScript(script)
  const dir = mkdtempSync(join(tmpdir(), 'sb-kiro-'))
  const file = tokenFile(dir, 'valid-1', 'refresh-x', new Date(Date.now() + 3_600_000).toISOString())
  const gw = await startGateway({ MODEL_PROVIDER: 'claude-kiro-oauth', KIRO_OAUTH_CREDS_FILE_PATH: file, KIRO_REFRESH_URL: kiro.socialRefreshUrl, KIRO_BASE_URL: kiro.apiUrl, CRON_REFRESH_TOKEN: false })
  t.teardown(async () => { await gw.close(); await kiro.close() })
  kiro.expireAccessToken()
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gw.url}/v1`, maxRetries: 0 })
  const stream = client.chat.completions.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
  const final = await stream.finalChatCompletion()
  t.equal(final.choices[0]?.message.content, 'Hello from Kiro.')
  t.equal(kiro.requests.filter(r => r.path === '/refreshToken').length, 1)
  t.equal(kiro.requests.filter(r => r.path === '/generateAssistantResponse').length, 2, 'rejected once, retried once')
})
