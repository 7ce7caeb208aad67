import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { runCommand, type CommandIo } from '../../commands.js'
import { READY_PROJECT, startFakeCodeAssist } from '../fakes/code-assist.js'
import { GEMINI_CLI_CLIENT_ID, SCOPES } from '../fakes/google-oauth.js'
import { startFakeKiro } from '../fakes/kiro-server.js'

/**
 * The commands end to end, in process with their own output and environment: `login gemini` against the fake
 * Google endpoints (the browser is a fetch of the printed URL, which the fake consent page redirects to the
 * loopback callback), `credentials check` over a pool and a Kiro login, `kiro import`; and one real CLI process.
 */

interface Captured extends CommandIo {
  lines: string[]
  errors: string[]
  /** Resolves with the first stdout line matching the pattern. */
  waitFor(pattern: RegExp): Promise<string>
}

function capture (env: Record<string, string>): Captured {
  const lines: string[] = []
  const errors: string[] = []
  const waiters: Array<{ pattern: RegExp, resolve: (line: string) => void }> = []
  return {
    lines,
    errors,
    env: { PATH: process.env.PATH, HOME: join(tmpdir(), 'switchboard-no-home'), ...env },
    out: line => {
      lines.push(line)
      for (const w of waiters.splice(0)) {
        if (w.pattern.test(line)) w.resolve(line)
        else waiters.push(w)
      }
    },
    err: line => { errors.push(line) },
    waitFor: async pattern => await new Promise(resolve => {
      const seen = lines.find(l => pattern.test(l))
      if (seen !== undefined) resolve(seen)
      else waiters.push({ pattern, resolve })
    })
  }
}

t.test('login gemini: PKCE loopback flow, then the credentials work', async t => {
  const fake = await startFakeCodeAssist()
  t.teardown(async () => { await fake.close() })
  const dir = await mkdtemp(join(tmpdir(), 'login-'))
  const file = join(dir, 'new', 'sub', 'oauth_creds.json')
  const env = { GEMINI_OAUTH_AUTH_URL: fake.oauth.authUrl, GEMINI_OAUTH_TOKEN_URL: fake.oauth.tokenUrl, GEMINI_OAUTH_CREDS_FILE_PATH: file }
  const io = capture(env)
  const done = runCommand('login', ['gemini'], io)
  const printed = await io.waitFor(/^http/)
  const url = new URL(printed)
  t.equal(url.origin + url.pathname, fake.oauth.authUrl)
  t.equal(url.searchParams.get('client_id'), GEMINI_CLI_CLIENT_ID)
  t.same(url.searchParams.get('scope')?.split(' '), SCOPES)
  t.equal(url.searchParams.get('code_challenge_method'), 'S256')
  t.match(url.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/oauth2callback$/)
  // The "browser": the consent page redirects to the loopback callback, which answers once the login finished.
  const page = await fetch(printed)
  t.equal(page.status, 200)
  t.match(await page.text(), /Switchboard is signed in/)
  t.equal(await done, 0)
  t.match(io.lines.join('\n'), /Signed in\. Credentials saved to .*oauth_creds\.json \(mode 0600\)/)
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  t.equal(saved.access_token, fake.oauth.accessToken())
  t.equal(saved.refresh_token, fake.oauth.refreshToken())
  t.equal(saved.token_type, 'Bearer')
  t.ok(typeof saved.expiry_date === 'number')
  t.equal((await stat(file)).mode & 0o777, 0o600)
  t.equal((await stat(join(dir, 'new'))).mode & 0o777, 0o700, 'created directories are private')
  t.notMatch([...io.lines, ...io.errors].join('\n'), new RegExp(`${fake.oauth.refreshToken().replace(/\//g, '\\/')}|ya29`), 'no token printed')

  const check = capture({ ...env, GEMINI_BASE_URL: fake.url })
  t.equal(await runCommand('credentials', ['check'], check), 0)
  t.match(check.lines[0], new RegExp(`^OK {4}gemini-cli-oauth: token valid until \\d{4}-.*; project ${READY_PROJECT} \\(Gemini Code Assist for individuals\\); models gemini-2\\.5-pro, gemini-2\\.5-flash`))
})

t.test('login gemini: a refused consent and a forged callback fail clearly', async t => {
  const fake = await startFakeCodeAssist()
  t.teardown(async () => { await fake.close() })
  const dir = await mkdtemp(join(tmpdir(), 'login-'))
  const env = { GEMINI_OAUTH_AUTH_URL: fake.oauth.authUrl, GEMINI_OAUTH_TOKEN_URL: fake.oauth.tokenUrl, GEMINI_OAUTH_CREDS_FILE_PATH: join(dir, 'c.json') }
  for (const [query, message] of [['error=access_denied', /Google refused the sign-in: access_denied/], ['code=x&state=forged', /wrong state/]] as const) {
    const io = capture(env)
    const done = runCommand('login', ['gemini'], io)
    const url = new URL(await io.waitFor(/^http/))
    const redirect = url.searchParams.get('redirect_uri') ?? ''
    const state = url.searchParams.get('state') ?? ''
    t.equal((await fetch(`${redirect.replace('/oauth2callback', '/favicon.ico')}`)).status, 404, 'other paths do not end the login')
    const res = await fetch(`${redirect}?${query.includes('state') ? query : `${query}&state=${state}`}`)
    t.equal(res.status, 400)
    t.equal(await done, 1)
    t.match(io.errors.join('\n'), message)
  }
  await t.rejects(stat(join(dir, 'c.json')), 'nothing written')
})

t.test('credentials check: a gemini pool and a Kiro login, each OK or plainly wrong', async t => {
  const fake = await startFakeCodeAssist()
  const kiro = await startFakeKiro()
  t.teardown(async () => { await fake.close(); await kiro.close() })
  const dir = await mkdtemp(join(tmpdir(), 'check-'))
  const good = join(dir, 'good.json')
  const revoked = join(dir, 'revoked.json')
  const kiroFile = join(dir, 'kiro.json')
  await writeFile(good, JSON.stringify({ refresh_token: fake.oauth.refreshToken(), access_token: 'old', expiry_date: 1 }))
  await writeFile(revoked, JSON.stringify({ refresh_token: '1//revoked', access_token: 'old', expiry_date: 1 }))
  await writeFile(kiroFile, JSON.stringify({ refreshToken: kiro.validRefreshToken(), authMethod: 'social', region: 'us-east-1' }))
  const pools = { 'gemini-cli-oauth': { members: [{ name: 'main', options: { GEMINI_OAUTH_CREDS_FILE_PATH: good } }, { name: 'old', options: { GEMINI_OAUTH_CREDS_FILE_PATH: revoked } }] } }
  const io = capture({
    GEMINI_OAUTH_TOKEN_URL: fake.oauth.tokenUrl,
    GEMINI_BASE_URL: fake.url,
    PROVIDER_POOLS: JSON.stringify(pools),
    KIRO_OAUTH_CREDS_FILE_PATH: kiroFile,
    KIRO_REFRESH_URL: kiro.socialRefreshUrl
  })
  t.equal(await runCommand('credentials', ['check'], io), 1)
  t.match(io.lines[0], /^OK {4}gemini-cli-oauth\/main: token valid until .*project fake-project-123/)
  t.match(io.lines[1], /^FAIL {2}gemini-cli-oauth\/old: Google rejected the Gemini OAuth token refresh \(invalid_grant: Token has been expired or revoked\.\): run "switchboard login gemini"/)
  t.match(io.lines[2], /^OK {4}claude-kiro-oauth: token valid until .*profile arn:aws:codewhisperer/)
  t.equal(io.lines[3], '1 of 3 OAuth credential(s) need attention.')

  const none = capture({})
  t.equal(await runCommand('credentials', ['check'], none), 1)
  t.match(none.errors.join('\n'), /No OAuth credentials are configured/)
  const wrong = capture({})
  t.equal(await runCommand('credentials', ['list'], wrong), 2)
  t.match(wrong.errors.join('\n'), /unknown subcommand "list"[\s\S]*Usage: switchboard credentials check/)
})

t.test('kiro import: validated, copied into place with mode 0600', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'kiro-import-'))
  const social = { accessToken: 'a', refreshToken: 'r', expiresAt: '2026-03-01T12:30:00.000Z', authMethod: 'social', provider: 'Google', region: 'us-east-1', futureField: { keep: true } }
  await writeFile(join(dir, 'from-ide.json'), JSON.stringify(social))
  const target = join(dir, 'creds', 'kiro-auth-token.json')
  const io = capture({ KIRO_OAUTH_CREDS_FILE_PATH: target })
  t.equal(await runCommand('kiro', ['import', join(dir, 'from-ide.json')], io), 0)
  t.same(JSON.parse(await readFile(target, 'utf8')), social)
  t.equal((await stat(target)).mode & 0o777, 0o600)
  t.match(io.lines[0], /Imported Kiro credentials \(social, Google, access token expires 2026-03-01T12:30:00\.000Z\) to .*kiro-auth-token\.json \(mode 0600\)/)

  const idc = { refreshToken: 'r', authMethod: 'IdC', provider: 'BuilderId', region: 'us-east-1', clientIdHash: 'abc123' }
  await writeFile(join(dir, 'idc.json'), JSON.stringify(idc))
  await writeFile(join(dir, 'abc123.json'), JSON.stringify({ clientId: 'cid', clientSecret: 'cs' }))
  t.equal(await runCommand('kiro', ['import', join(dir, 'idc.json')], capture({ KIRO_OAUTH_CREDS_FILE_PATH: target })), 0)
  t.same(JSON.parse(await readFile(join(dir, 'creds', 'abc123.json'), 'utf8')), { clientId: 'cid', clientSecret: 'cs' }, 'the IdC client file came along')

  await writeFile(join(dir, 'empty.json'), JSON.stringify({ region: 'us-east-1' }))
  const bad = capture({ KIRO_OAUTH_CREDS_FILE_PATH: join(dir, 'other.json') })
  t.equal(await runCommand('kiro', ['import', join(dir, 'empty.json')], bad), 1)
  t.match(bad.errors.join('\n'), /neither refreshToken nor accessToken/)
  await t.rejects(stat(join(dir, 'other.json')), 'nothing written for a bad file')
  const missing = capture({})
  t.equal(await runCommand('kiro', ['import'], missing), 2)
  t.match(missing.errors.join('\n'), /missing FILE[\s\S]*Usage: switchboard kiro import FILE/)
})

t.test('the real CLI process dispatches commands and sets the exit code', async t => {
  const run = promisify(execFile)
  const env = { PATH: process.env.PATH ?? '', HOME: join(tmpdir(), 'switchboard-no-home') }
  const result = await run(process.execPath, ['--import', 'tsx', 'cli.ts', 'credentials', 'check'], { env }).then(() => ({ code: 0, stderr: '' }), (err: { code: number, stderr: string }) => err)
  t.equal(result.code, 1)
  t.match(result.stderr, /No OAuth credentials are configured/)
  const help = await run(process.execPath, ['--import', 'tsx', 'cli.ts', 'kiro', 'import', '--help'], { env }).catch((err: { code: number, stdout: string }) => err)
  t.match(help.stdout, /Usage: switchboard kiro import FILE/)
})
