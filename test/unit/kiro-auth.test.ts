import t from 'tap'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Transport } from '../../plugins/transport.js'
import { isGatewayError } from '../../plugins/gateway-error.js'
import {
  loadKiroCredentials, parseKiroCredentials, tokenFileContent, writeTokenFileAtomic, type KiroCredentials
} from '../../providers/claude-kiro-oauth/token-file.js'
import {
  apiRegionFor, buildRefreshRequest, isPermanentRefreshFailure, needsRefresh, refreshKiroToken, DEFAULT_KIRO_REFRESH_URLS
} from '../../providers/claude-kiro-oauth/auth.js'
import { startFakeKiro } from '../fakes/kiro-server.js'

const NOW = Date.parse('2026-03-01T12:00:00.000Z')

const socialFile = {
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: '2026-03-01T12:30:00.000Z',
  authMethod: 'social',
  provider: 'Github',
  profileArn: 'arn:aws:codewhisperer:eu-central-1:123456789012:profile/SOCIAL',
  region: 'us-east-1',
  kiroFutureField: { keep: ['me'] }
}

const idcFile = {
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: '2026-03-01T11:00:00.000Z',
  authMethod: 'IdC',
  provider: 'BuilderId',
  region: 'eu-west-1',
  clientIdHash: 'a1b2c3d4e5'
}

async function errorMessage (fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn()
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
  return 'no error'
}

t.test('loads a social token file, keeping every field', async (t) => {
  const dir = t.testdir({ 'kiro-auth-token.json': JSON.stringify(socialFile) })
  const { creds, filePath } = await loadKiroCredentials({ filePath: join(dir, 'kiro-auth-token.json') })
  t.equal(filePath, join(dir, 'kiro-auth-token.json'))
  t.match(creds, { accessToken: 'access-1', refreshToken: 'refresh-1', authMethod: 'social', region: 'us-east-1', provider: 'Github' })
  t.same(creds.file, socialFile)
  t.equal(apiRegionFor(creds), 'eu-central-1', 'the API region comes from the profile ARN')
})

t.test('IdC: the client file beside the token file supplies clientId/clientSecret', async (t) => {
  const dir = t.testdir({
    'kiro-auth-token.json': JSON.stringify(idcFile),
    'a1b2c3d4e5.json': JSON.stringify({ clientId: 'client-1', clientSecret: 'secret-1', expiresAt: '2027-01-01T00:00:00Z' })
  })
  const { creds } = await loadKiroCredentials({ filePath: join(dir, 'kiro-auth-token.json') })
  t.match(creds, { authMethod: 'IdC', clientId: 'client-1', clientSecret: 'secret-1', expiresAt: idcFile.expiresAt, region: 'eu-west-1' })
  t.notOk('clientId' in tokenFileContent(creds), 'client fields are not copied into the token file')
})

t.test('clear messages for what is missing', async (t) => {
  const dir = t.testdir({
    'idc.json': JSON.stringify(idcFile),
    'empty.json': JSON.stringify({ region: 'us-east-1' }),
    'broken.json': '{"accessToken":',
    'traversal.json': JSON.stringify({ ...idcFile, clientIdHash: '../secret' })
  })
  t.match(await errorMessage(async () => await loadKiroCredentials({ filePath: join(dir, 'idc.json') })),
    /Cannot read the Kiro IdC client file .*a1b2c3d4e5\.json \(ENOENT\)/)
  t.match(await errorMessage(async () => await loadKiroCredentials({ filePath: join(dir, 'empty.json') })),
    /have neither refreshToken nor accessToken/)
  t.match(await errorMessage(async () => await loadKiroCredentials({ filePath: join(dir, 'broken.json') })), /is not valid JSON/)
  t.match(await errorMessage(async () => await loadKiroCredentials({ filePath: join(dir, 'missing.json') })), /Cannot read the Kiro token file .*missing\.json \(ENOENT\)/)
  t.match(await errorMessage(async () => await loadKiroCredentials({ filePath: join(dir, 'traversal.json') })), /Invalid clientIdHash/)
  t.match(await errorMessage(async () => await loadKiroCredentials({ base64: 'not base64 json' })), /KIRO_OAUTH_CREDS_BASE64 is not base64-encoded JSON/)
  t.throws(() => parseKiroCredentials({ refreshToken: 'r', authMethod: 'IdC' }, 'test'), /authMethod IdC but clientId\/clientSecret are missing/)
  t.throws(() => parseKiroCredentials([], 'test'), /not a JSON object/)
})

t.test('base64 credentials; authMethod inferred for old files', async (t) => {
  const base64 = Buffer.from(JSON.stringify({ refreshToken: 'r', clientId: 'c', clientSecret: 's' })).toString('base64')
  const { creds, filePath } = await loadKiroCredentials({ base64, filePath: '/nonexistent' })
  t.equal(filePath, undefined)
  t.match(creds, { authMethod: 'IdC', region: 'us-east-1', clientId: 'c' })
  t.equal(parseKiroCredentials({ refreshToken: 'r' }, 'x').authMethod, 'social')
  t.equal(parseKiroCredentials({ refreshToken: 'r', authMethod: 'builder-id', clientId: 'c', clientSecret: 's' }, 'x').authMethod, 'IdC')
})

t.test('needsRefresh', async (t) => {
  const creds = parseKiroCredentials(socialFile, 'x')
  t.equal(needsRefresh(creds, NOW, 5 * 60_000), false, '30 minutes left')
  t.equal(needsRefresh(creds, NOW, 40 * 60_000), true, 'inside the margin')
  t.equal(needsRefresh({ ...creds, expiresAt: 'garbage' }, NOW, 0), true)
  t.equal(needsRefresh({ ...creds, accessToken: undefined }, NOW, 0), true)
  t.equal(needsRefresh({ ...creds, expiresAt: undefined }, NOW, 0), true)
})

t.test('refresh request builders fill the region', async (t) => {
  const social = buildRefreshRequest(parseKiroCredentials({ ...socialFile, region: 'eu-central-1' }, 'x'), DEFAULT_KIRO_REFRESH_URLS)
  t.equal(social.url, 'https://prod.eu-central-1.auth.desktop.kiro.dev/refreshToken')
  t.equal(social.body, '{"refreshToken":"refresh-1"}')
  const idc = buildRefreshRequest(parseKiroCredentials({ ...idcFile, clientId: 'c', clientSecret: 's', idcRegion: 'us-west-2' }, 'x'))
  t.equal(idc.url, 'https://oidc.us-west-2.amazonaws.com/token')
  t.equal(idc.body, '{"clientId":"c","clientSecret":"s","refreshToken":"refresh-1","grantType":"refresh_token"}')
})

t.test('refresh against the fake server, then atomic write-back', async (t) => {
  const fake = await startFakeKiro({ profileArn: 'arn:aws:codewhisperer:us-east-1:111111111111:profile/NEW' })
  const transport = new Transport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 })
  t.teardown(async () => { await transport.close(); await fake.close() })
  const urls = { social: fake.socialRefreshUrl, idc: fake.idcRefreshUrl }
  const dir = t.testdir({ 'kiro-auth-token.json': JSON.stringify(socialFile, null, 2), 'other.json': '{}' })
  const path = join(dir, 'kiro-auth-token.json')
  const { creds } = await loadKiroCredentials({ filePath: path })

  const next = await refreshKiroToken(transport, creds, urls, AbortSignal.timeout(5000), NOW)
  t.equal(next.accessToken, fake.validAccessToken())
  t.equal(next.refreshToken, 'refresh-1', 'kept when not rotated')
  t.equal(next.expiresAt, '2026-03-01T13:00:00.000Z')
  t.equal(next.profileArn, 'arn:aws:codewhisperer:us-east-1:111111111111:profile/NEW')
  t.same(fake.requests.at(-1)?.body, { refreshToken: 'refresh-1' })

  await writeTokenFileAtomic(path, next)
  const written: unknown = JSON.parse(await readFile(path, 'utf8'))
  t.same(written, { ...socialFile, accessToken: fake.validAccessToken(), expiresAt: '2026-03-01T13:00:00.000Z', profileArn: next.profileArn })
  t.same(Object.keys(written as object), Object.keys(socialFile), 'field order kept')
  t.equal((await stat(path)).mode & 0o777, 0o600)
  t.same((await readdir(dir)).sort(), ['kiro-auth-token.json', 'other.json'], 'no temp files left behind')

  const again = await refreshKiroToken(transport, creds, urls, AbortSignal.timeout(5000), NOW)
  t.not(again.accessToken, next.accessToken, 'the refresh token still works')
})

t.test('IdC refresh with a rotated refresh token; invalid_grant is permanent', async (t) => {
  const fake = await startFakeKiro({ rotateRefreshToken: true, expiresIn: 900 })
  const transport = new Transport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 })
  t.teardown(async () => { await transport.close(); await fake.close() })
  const urls = { social: fake.socialRefreshUrl, idc: fake.idcRefreshUrl }
  const creds: KiroCredentials = parseKiroCredentials({ ...idcFile, clientId: 'client-1', clientSecret: 'secret-1' }, 'x')

  const next = await refreshKiroToken(transport, creds, urls, AbortSignal.timeout(5000), NOW)
  t.equal(next.accessToken, fake.validAccessToken())
  t.equal(next.refreshToken, fake.validRefreshToken())
  t.not(next.refreshToken, 'refresh-1')
  t.equal(next.expiresAt, '2026-03-01T12:15:00.000Z')
  t.same(fake.requests.at(-1), {
    method: 'POST',
    path: '/token',
    headers: fake.requests.at(-1)?.headers,
    body: { clientId: 'client-1', clientSecret: 'secret-1', refreshToken: 'refresh-1', grantType: 'refresh_token' }
  })
  t.equal(fake.requests.at(-1)?.headers['content-type'], 'application/json')

  try {
    await refreshKiroToken(transport, creds, urls, AbortSignal.timeout(5000), NOW)
    t.fail('the old refresh token was rotated away')
  } catch (err) {
    t.ok(isPermanentRefreshFailure(err))
    t.ok(isGatewayError(err) && err.status === 401 && err.shouldRetry === false && err.credentialScoped)
    t.match(err, { message: /Kiro rejected the refresh token \(invalid_grant: Invalid refresh token provided\)/ })
    t.notMatch(String((err as Error).message), /refresh-/, 'no token in the message')
  }
})
