import t, { type Test } from 'tap'
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { GatewayError } from '../../plugins/gateway-error.js'
import { MemoryStore } from '../../plugins/memory-store.js'
import { Transport } from '../../plugins/transport.js'
import type { ChatRequest } from '../../schemas/canonical.js'
import type { ProviderCallContext } from '../../providers/types.js'
import { GeminiCliProvider, type GeminiCliProviderOptions } from '../../providers/gemini-cli-oauth/provider.js'
import { DEFAULT_GEMINI_CLI_MODELS } from '../../providers/gemini-cli-oauth/models.js'
import { MANAGED_PROJECT, READY_PROJECT, startFakeCodeAssist, VALIDATION_URL, type FakeCodeAssist, type FakeCodeAssistOptions } from '../fakes/code-assist.js'
import { fixedContext } from '../unit/gemini-helpers.js'

/**
 * The gemini-cli-oauth provider against the fake Google OAuth + Code Assist servers over real HTTP: token refresh
 * before expiry and after a 401, failed refreshes, the credentials file rewritten atomically, project discovery
 * with onboarding and its cache, and the errors a user must act on.
 */

const HOUR = 3_600_000
const log = pino({ level: 'silent' })

interface Setup {
  fake: FakeCodeAssist
  dir: string
  file: string
  store: MemoryStore
  make(extra?: Partial<GeminiCliProviderOptions>): GeminiCliProvider
}

async function setup (t: Test, creds: Record<string, unknown> | 'valid' | 'expired', fakeOpts: FakeCodeAssistOptions = {}): Promise<Setup> {
  const fake = await startFakeCodeAssist(fakeOpts)
  const transport = new Transport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 })
  const store = new MemoryStore()
  const dir = await mkdtemp(join(tmpdir(), 'gemini-cli-'))
  const file = join(dir, 'oauth_creds.json')
  const content = creds === 'valid' || creds === 'expired'
    ? {
        access_token: fake.oauth.accessToken(),
        refresh_token: fake.oauth.refreshToken(),
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        token_type: 'Bearer',
        expiry_date: creds === 'valid' ? Date.now() + HOUR : Date.now() - 1000,
        written_by: 'gemini-cli'
      }
    : creds
  await writeFile(file, JSON.stringify(content), { mode: 0o600 })
  const providers: GeminiCliProvider[] = []
  t.teardown(async () => {
    for (const p of providers) await p.close()
    await transport.close()
    await store.close()
    await fake.close()
  })
  const make = (extra: Partial<GeminiCliProviderOptions> = {}): GeminiCliProvider => {
    const provider = new GeminiCliProvider({
      id: 'gemini-cli-oauth',
      filePath: file,
      tokenUrl: fake.oauth.tokenUrl,
      baseUrl: fake.url,
      models: [...DEFAULT_GEMINI_CLI_MODELS],
      refreshMarginMs: 15 * 60_000,
      backgroundRefresh: false,
      pollIntervalMs: 1,
      ...extra
    }, { log, transport, state: store })
    providers.push(provider)
    return provider
  }
  return { fake, dir, file, store, make }
}

function ctx (): ProviderCallContext {
  return { signal: AbortSignal.timeout(10_000), log, requestId: 'req_test1', translate: fixedContext(), clientHeaders: {} }
}

function ask (text: string, model = 'gemini-2.5-flash'): ChatRequest {
  return { model, system: [], messages: [{ role: 'user', content: [{ type: 'text', text }] }], stream: false }
}

function answerText (res: { content: Array<{ type: string, text?: string }> }): string {
  return res.content.map(p => p.text ?? '').join('')
}

async function failure (p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(err)}`)
  return err
}

t.test('valid token: the wrapped request, the unwrapped answer, project from loadCodeAssist', async t => {
  const s = await setup(t, 'valid')
  const res = await s.make().complete(ask('hello'), ctx())
  t.equal(answerText(res), 'echo: hello')
  t.equal(res.id, 'trace-1', 'traceId is the response id')
  t.equal(s.fake.oauth.refreshCount(), 0)
  const sent = s.fake.calls('generateContent')[0]
  t.match(sent?.json, { model: 'gemini-2.5-flash', project: READY_PROJECT, user_prompt_id: 'req_test1########1', request: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] } })
  t.notOk('model' in ((sent?.json as { request: object }).request), 'the inner request has no model')
  t.match(sent?.headers['user-agent'], /^GeminiCLI\/[\d.]+\/gemini-2\.5-flash \(/)
  t.equal(s.fake.calls('loadCodeAssist').length, 1)
})

t.test('expired token: refreshed before the call; the file rewritten atomically, refresh token kept', async t => {
  const s = await setup(t, 'expired')
  const before = s.fake.oauth.accessToken()
  const res = await s.make({ projectId: READY_PROJECT }).complete(ask('hi'), ctx())
  t.equal(answerText(res), 'echo: hi')
  t.equal(s.fake.oauth.refreshCount(), 1)
  t.equal(s.fake.calls('generateContent').length, 1, 'no failed call first')
  t.equal(s.fake.calls('loadCodeAssist').length, 0, 'PROJECT_ID skips discovery')
  t.not(s.fake.oauth.accessToken(), before)
  const saved = JSON.parse(await readFile(s.file, 'utf8')) as Record<string, unknown>
  t.equal(saved.access_token, s.fake.oauth.accessToken())
  t.equal(saved.refresh_token, s.fake.oauth.refreshToken(), 'the refresh token is kept though the answer had none')
  t.ok(typeof saved.expiry_date === 'number' && saved.expiry_date > Date.now() + 50 * 60_000)
  t.equal(saved.written_by, 'gemini-cli', 'unknown fields survive')
  t.equal(saved.id_token, 'eyJhbGciOi.fake.idtoken')
  t.equal((await stat(s.file)).mode & 0o777, 0o600)
  t.same(await readdir(s.dir), ['oauth_creds.json'], 'no temp file left behind')
})

t.test('a 401 mid-life: one refresh and one retry', async t => {
  const s = await setup(t, 'valid')
  const provider = s.make({ projectId: READY_PROJECT })
  t.equal(answerText(await provider.complete(ask('one'), ctx())), 'echo: one')
  s.fake.oauth.expireAccessToken()
  const events = []
  for await (const batch of await provider.stream({ ...ask('two'), stream: true }, ctx())) events.push(...batch)
  t.match(events.filter(e => e.type === 'text_delta').map(e => e.type === 'text_delta' ? e.text : '').join(''), 'echo: two')
  t.equal(s.fake.oauth.refreshCount(), 1)
  t.equal(s.fake.calls('streamGenerateContent').length, 2, 'rejected once, retried once')
  s.fake.oauth.expireAccessToken()
  s.fake.oauth.revokeRefreshToken()
  const err = await failure(provider.complete(ask('three'), ctx()))
  t.equal(err.status, 401, 'a refresh that fails is not retried again')
})

t.test('a failed refresh (invalid_grant) is a clear 401 that says how to log in again', async t => {
  const s = await setup(t, 'expired')
  s.fake.oauth.revokeRefreshToken()
  const err = await failure(s.make({ projectId: READY_PROJECT }).complete(ask('x'), ctx()))
  t.equal(err.status, 401)
  t.equal(err.kind, 'authentication')
  t.equal(err.code, 'gemini_refresh_token_invalid')
  t.equal(err.shouldRetry, false)
  t.match(err.message, /invalid_grant: Token has been expired or revoked\..*switchboard login gemini/)
  t.notMatch(err.message, /1\/\/|ya29/, 'no token in the message')
  t.equal(s.fake.calls('generateContent').length, 0)
})

t.test('a new login in the file is picked up when the old refresh token was revoked', async t => {
  const s = await setup(t, 'valid')
  const provider = s.make({ projectId: READY_PROJECT })
  t.equal(answerText(await provider.complete(ask('before'), ctx())), 'echo: before')
  s.fake.oauth.revokeRefreshToken()
  s.fake.oauth.expireAccessToken()
  t.equal((await failure(provider.complete(ask('revoked'), ctx()))).code, 'gemini_refresh_token_invalid', 'same file: still a clear 401')
  // What "switchboard login gemini" leaves behind: the fake issues the current refresh token again.
  await writeFile(s.file, JSON.stringify({ refresh_token: s.fake.oauth.refreshToken(), access_token: 'x', expiry_date: 1 }))
  t.equal(answerText(await provider.complete(ask('after login'), ctx())), 'echo: after login')
})

t.test('onboarding a new free-tier account: no project sent, the operation polled, the project cached', async t => {
  const s = await setup(t, 'valid', { setup: 'onboard-free', polls: 3 })
  const res = await s.make().complete(ask('first'), ctx())
  t.equal(answerText(res), 'echo: first')
  const onboard = s.fake.calls('onboardUser')[0]?.json as Record<string, unknown>
  t.equal(onboard.tierId, 'free-tier')
  t.notOk('cloudaicompanionProject' in onboard, 'the free tier omits the project')
  t.equal(s.fake.calls('operations/').length, 3, 'polled until done')
  t.equal((s.fake.calls('generateContent')[0]?.json as { project: string }).project, MANAGED_PROJECT)
  const again = s.make()
  t.equal(answerText(await again.complete(ask('second'), ctx())), 'echo: second')
  t.equal(s.fake.calls('loadCodeAssist').length, 1, 'a second instance reads the project from the state store')
  t.equal(s.fake.calls('onboardUser').length, 1)
})

t.test('account problems become messages that say what to do', async t => {
  const s = await setup(t, 'valid', { setup: 'validation' })
  const validation = await failure(s.make().complete(ask('x'), ctx()))
  t.equal(validation.status, 403)
  t.match(validation.message, new RegExp(`open ${VALIDATION_URL.replace(/[?.]/g, '\\$&')} in a browser`))
  s.fake.setSetup('ineligible')
  const ineligible = await failure(s.make().complete(ask('x'), ctx()))
  t.match(ineligible.message, /not eligible for Gemini Code Assist for individuals.*Set PROJECT_ID/)
  s.fake.setSetup('ready')
  const provider = s.make()
  s.fake.setFault('validation')
  const midLife = await failure(provider.complete(ask('x'), ctx()))
  t.equal(midLife.code, 'validation_required')
  t.equal(midLife.upstream?.protocol, undefined)
  t.equal(answerText(await provider.complete(ask('after'), ctx())), 'echo: after', 'a failed discovery was not cached')
})

t.test('unknown model: 404 listing the served models, nothing sent', async t => {
  const s = await setup(t, 'valid')
  const err = await failure(s.make().complete(ask('x', 'gemini-1.0-pro'), ctx()))
  t.equal(err.status, 404)
  t.match(err.message, /gemini-1\.0-pro.*Available: gemini-2\.5-pro/)
  t.equal(s.fake.requests.length, 0)
})

t.test('base64 credentials: refreshed in memory, nothing written', async t => {
  const s = await setup(t, 'valid')
  const base64 = Buffer.from(JSON.stringify({ refresh_token: s.fake.oauth.refreshToken(), access_token: 'stale', expiry_date: 1 })).toString('base64')
  const original = await readFile(s.file, 'utf8')
  const provider = s.make({ base64, projectId: READY_PROJECT })
  t.equal(answerText(await provider.complete(ask('b64'), ctx())), 'echo: b64')
  t.equal(s.fake.oauth.refreshCount(), 1)
  t.equal(await readFile(s.file, 'utf8'), original)
})

t.test('countTokens and checkCredentials', async t => {
  const s = await setup(t, 'valid')
  const provider = s.make()
  const count = await provider.countTokens(ask('count me'), ctx())
  t.ok(count > 0)
  t.match(s.fake.calls('countTokens')[0]?.json, { request: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user' }] } })
  const check = await provider.checkCredentials(AbortSignal.timeout(10_000))
  t.equal(check.project, READY_PROJECT)
  t.equal(check.tier, 'Gemini Code Assist for individuals')
  t.same(check.models, DEFAULT_GEMINI_CLI_MODELS)
  t.ok(Date.parse(check.expiresAt) > Date.now())
  t.equal(s.fake.oauth.refreshCount(), 1, 'check refreshes even a valid token')
})
