import t from 'tap'
import { createHash } from 'node:crypto'
import { GatewayError } from '../../plugins/gateway-error.js'
import { credentialsFileContent, loadGeminiCredentials, parseGeminiCredentials } from '../../providers/gemini-cli-oauth/credentials.js'
import {
  applyTokenResponse, buildAuthorizationUrl, createPkcePair, GEMINI_CLI_CLIENT_ID, isPermanentGeminiRefreshFailure
} from '../../providers/gemini-cli-oauth/oauth.js'

const NOW = 1_760_000_000_000
const FILE = {
  access_token: 'ya29.old',
  refresh_token: '1//keep-me',
  scope: 'https://www.googleapis.com/auth/cloud-platform',
  token_type: 'Bearer',
  id_token: 'eyJ.old',
  expiry_date: NOW - 1000,
  extra_field_from_gemini_cli: 'kept'
}

t.test('parses the google-auth-library credentials Gemini CLI writes', async t => {
  const creds = parseGeminiCredentials(FILE, 'oauth_creds.json')
  t.equal(creds.accessToken, 'ya29.old')
  t.equal(creds.refreshToken, '1//keep-me')
  t.equal(creds.expiryDate, NOW - 1000)
  t.equal(creds.clientId, undefined, 'Gemini CLI files name no client: the public one is used')
  t.equal(parseGeminiCredentials({ ...FILE, expiry_date: String(NOW) }, 'x').expiryDate, NOW, 'a numeric string expiry')
  const adc = parseGeminiCredentials({ type: 'authorized_user', client_id: 'cid', client_secret: 'cs', refresh_token: 'r' }, 'adc.json')
  t.equal(adc.clientId, 'cid')
  t.equal(adc.accessToken, undefined)
})

t.test('bad credentials say what to do, without echoing content', async t => {
  const err = (() => { try { parseGeminiCredentials({ scope: 'x' }, '/home/u/.gemini/oauth_creds.json') } catch (e) { return e } })()
  t.ok(err instanceof GatewayError)
  t.match((err as Error).message, /neither refresh_token nor access_token.*switchboard login gemini/)
  const missing = await loadGeminiCredentials({ filePath: '/nonexistent/oauth_creds.json' }).catch((e: unknown) => e)
  t.match((missing as Error).message, /\/nonexistent\/oauth_creds.json cannot be read \(ENOENT\).*switchboard login gemini/)
  const bad64 = await loadGeminiCredentials({ base64: Buffer.from('{nope').toString('base64') }).catch((e: unknown) => e)
  t.match((bad64 as Error).message, /GEMINI_OAUTH_CREDS_BASE64 is not base64-encoded JSON/)
  const ok64 = await loadGeminiCredentials({ base64: Buffer.from(JSON.stringify(FILE)).toString('base64') })
  t.equal(ok64.filePath, undefined, 'base64 credentials are never written back')
  t.equal(ok64.creds.refreshToken, '1//keep-me')
})

t.test('a refresh answer updates the token and keeps the refresh token and unknown fields', async t => {
  const creds = parseGeminiCredentials(FILE, 'f')
  const body = JSON.stringify({ access_token: 'ya29.new', expires_in: 3599, scope: 'a b', token_type: 'Bearer', id_token: 'eyJ.new' })
  const next = applyTokenResponse(creds, 200, body, NOW)
  t.equal(next.accessToken, 'ya29.new')
  t.equal(next.expiryDate, NOW + 3_599_000)
  t.equal(next.refreshToken, '1//keep-me', 'Google does not rotate it: the old one stays')
  t.same(credentialsFileContent(next), { ...FILE, access_token: 'ya29.new', expiry_date: NOW + 3_599_000, scope: 'a b', id_token: 'eyJ.new' })
  const rotated = applyTokenResponse(creds, 200, JSON.stringify({ access_token: 'a', refresh_token: '1//new' }), NOW)
  t.equal(rotated.refreshToken, '1//new')
  t.equal(rotated.expiryDate, NOW + 3_599_000, 'no expires_in: the usual hour')
})

t.test('refresh failures: invalid_grant is permanent and says how to log in again; others are not', async t => {
  const creds = parseGeminiCredentials(FILE, 'f')
  const fail = (status: number, body: string): GatewayError => {
    try {
      applyTokenResponse(creds, status, body, NOW)
    } catch (err) {
      if (err instanceof GatewayError) return err
    }
    throw new Error('expected a GatewayError')
  }
  const revoked = fail(400, JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }))
  t.equal(revoked.status, 401)
  t.equal(revoked.kind, 'authentication')
  t.equal(revoked.shouldRetry, false)
  t.ok(isPermanentGeminiRefreshFailure(revoked))
  t.match(revoked.message, /invalid_grant: Token has been expired or revoked\..*switchboard login gemini/)
  t.notMatch(revoked.message, /keep-me|ya29/, 'no token in the message')
  const down = fail(503, 'Service Unavailable')
  t.equal(down.status, 502)
  t.notOk(isPermanentGeminiRefreshFailure(down))
  t.equal(fail(429, '{}').status, 429)
  t.match(fail(200, '{"token_type":"Bearer"}').message, /without an access_token/)
})

t.test('authorization URL: Gemini CLI client, scopes, offline access, PKCE S256', async t => {
  const pkce = createPkcePair()
  t.match(pkce.verifier, /^[A-Za-z0-9_-]{43}$/)
  t.equal(pkce.challenge, createHash('sha256').update(pkce.verifier).digest('base64url'))
  const url = new URL(buildAuthorizationUrl('https://accounts.google.com/o/oauth2/v2/auth', { redirectUri: 'http://127.0.0.1:5555/oauth2callback', state: 's1', codeChallenge: pkce.challenge }))
  t.equal(url.origin + url.pathname, 'https://accounts.google.com/o/oauth2/v2/auth')
  const q = url.searchParams
  t.equal(q.get('client_id'), GEMINI_CLI_CLIENT_ID)
  t.equal(q.get('redirect_uri'), 'http://127.0.0.1:5555/oauth2callback')
  t.equal(q.get('response_type'), 'code')
  t.same(q.get('scope')?.split(' '), [
    'https://www.googleapis.com/auth/cloud-platform',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile'
  ])
  t.equal(q.get('access_type'), 'offline')
  t.equal(q.get('code_challenge_method'), 'S256')
  t.equal(q.get('code_challenge'), pkce.challenge)
  t.equal(q.get('state'), 's1')
})
