import { createHash, randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { sendJson, type FakeServer, type RecordedRequest } from './http-fake.js'

/**
 * A fake Google OAuth server (accounts.google.com consent + oauth2.googleapis.com/token) for the Gemini CLI
 * installed-app client: the consent page "approves" at once and redirects to the loopback redirect_uri with a code;
 * the token endpoint speaks Google's form-encoded grants and its JSON errors (`invalid_grant`, `invalid_client`).
 */

export const GEMINI_CLI_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com'
export const GEMINI_CLI_CLIENT_SECRET = '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'
export const SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile'
]

export interface FakeGoogleOAuth {
  authUrl: string
  tokenUrl: string
  /** The access token Code Assist currently accepts. */
  accessToken(): string
  refreshToken(): string
  /** Invalidates the access token server-side (as if revoked or expired early); only a refresh gets a new one. */
  expireAccessToken(): void
  /** Makes the refresh token invalid (revoked): refreshes get invalid_grant. */
  revokeRefreshToken(): void
  isValid(authorization: string | string[] | undefined): boolean
  refreshCount(): number
  /** The consent requests the fake received (their query, for assertions). */
  consents: URLSearchParams[]
}

interface IssuedCode { challenge: string, redirectUri: string }

function form (req: RecordedRequest): URLSearchParams {
  return new URLSearchParams(req.body)
}

function oauthError (res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description })
}

export function addGoogleOAuth (server: FakeServer, opts: { expiresIn?: number } = {}): FakeGoogleOAuth {
  let issued = 1
  let access = 'ya29.fake-access-1'
  let refresh = '1//fake-refresh-token'
  let refreshes = 0
  const codes = new Map<string, IssuedCode>()
  const consents: URLSearchParams[] = []
  const tokenBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    access_token: access, expires_in: opts.expiresIn ?? 3599, scope: SCOPES.join(' '), token_type: 'Bearer', id_token: 'eyJhbGciOi.fake.idtoken', ...extra
  })

  server.route('GET /o/oauth2/v2/auth', (req, res) => {
    const q = new URL(req.url, server.url).searchParams
    consents.push(q)
    const redirect = q.get('redirect_uri') ?? ''
    const scopes = (q.get('scope') ?? '').split(' ')
    const ok = q.get('client_id') === GEMINI_CLI_CLIENT_ID && q.get('response_type') === 'code' &&
      SCOPES.every(s => scopes.includes(s)) && q.get('code_challenge_method') === 'S256' && (q.get('code_challenge') ?? '') !== '' &&
      /^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)
    if (!ok) return oauthError(res, 400, 'invalid_request', 'bad authorization request')
    const code = `4/fake-code-${randomBytes(4).toString('hex')}`
    codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect })
    const target = new URL(redirect)
    target.searchParams.set('state', q.get('state') ?? '')
    target.searchParams.set('code', code)
    target.searchParams.set('scope', SCOPES.join(' '))
    res.writeHead(302, { location: target.toString() }).end()
  })

  server.route('POST /token', (req, res) => {
    const f = form(req)
    if (f.get('client_id') !== GEMINI_CLI_CLIENT_ID || f.get('client_secret') !== GEMINI_CLI_CLIENT_SECRET) {
      return oauthError(res, 401, 'invalid_client', 'The OAuth client was not found.')
    }
    if (f.get('grant_type') === 'refresh_token') {
      if (f.get('refresh_token') !== refresh) return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.')
      refreshes++
      access = `ya29.fake-access-${++issued}`
      return sendJson(res, 200, tokenBody())
    }
    if (f.get('grant_type') === 'authorization_code') {
      const issuedCode = codes.get(f.get('code') ?? '')
      codes.delete(f.get('code') ?? '')
      const verifier = f.get('code_verifier') ?? ''
      if (issuedCode === undefined || createHash('sha256').update(verifier).digest('base64url') !== issuedCode.challenge ||
        f.get('redirect_uri') !== issuedCode.redirectUri) {
        return oauthError(res, 400, 'invalid_grant', 'Malformed auth code.')
      }
      access = `ya29.fake-access-${++issued}`
      return sendJson(res, 200, tokenBody({ refresh_token: refresh }))
    }
    oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type')
  })

  return {
    authUrl: `${server.url}/o/oauth2/v2/auth`,
    tokenUrl: `${server.url}/token`,
    accessToken: () => access,
    refreshToken: () => refresh,
    expireAccessToken: () => { access = `ya29.fake-access-${++issued}-unissued` },
    revokeRefreshToken: () => { refresh = `1//revoked-${++issued}` },
    isValid: authorization => authorization === `Bearer ${access}`,
    refreshCount: () => refreshes,
    consents
  }
}
