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

/** The fake's state and handlers; addGoogleOAuth mounts them on a FakeServer. */
class GoogleOAuthState {
  issued = 1
  access = 'ya29.fake-access-1'
  refresh = '1//fake-refresh-token'
  refreshes = 0
  readonly codes = new Map<string, IssuedCode>()
  readonly consents: URLSearchParams[] = []

  constructor (private readonly baseUrl: string, private readonly expiresIn: number) {}

  private tokenBody (extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { access_token: this.access, expires_in: this.expiresIn, scope: SCOPES.join(' '), token_type: 'Bearer', id_token: 'eyJhbGciOi.fake.idtoken', ...extra }
  }

  /** The consent page: checks the request like Google would, then "approves" and redirects with a code. */
  consent (req: RecordedRequest, res: ServerResponse): void {
    const q = new URL(req.url, this.baseUrl).searchParams
    this.consents.push(q)
    const redirect = q.get('redirect_uri') ?? ''
    const scopes = (q.get('scope') ?? '').split(' ')
    const ok = q.get('client_id') === GEMINI_CLI_CLIENT_ID && q.get('response_type') === 'code' &&
      SCOPES.every(s => scopes.includes(s)) && q.get('code_challenge_method') === 'S256' && (q.get('code_challenge') ?? '') !== '' &&
      /^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)
    if (!ok) return oauthError(res, 400, 'invalid_request', 'bad authorization request')
    const code = `4/fake-code-${randomBytes(4).toString('hex')}`
    this.codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect })
    const target = new URL(redirect)
    target.searchParams.set('state', q.get('state') ?? '')
    target.searchParams.set('code', code)
    target.searchParams.set('scope', SCOPES.join(' '))
    res.writeHead(302, { location: target.toString() }).end()
  }

  token (req: RecordedRequest, res: ServerResponse): void {
    const f = form(req)
    if (f.get('client_id') !== GEMINI_CLI_CLIENT_ID || f.get('client_secret') !== GEMINI_CLI_CLIENT_SECRET) {
      return oauthError(res, 401, 'invalid_client', 'The OAuth client was not found.')
    }
    if (f.get('grant_type') === 'refresh_token') {
      if (f.get('refresh_token') !== this.refresh) return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.')
      this.refreshes++
      this.access = `ya29.fake-access-${++this.issued}`
      return sendJson(res, 200, this.tokenBody())
    }
    if (f.get('grant_type') !== 'authorization_code') return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type')
    const code = f.get('code') ?? ''
    const issued = this.codes.get(code)
    this.codes.delete(code)
    const verifier = f.get('code_verifier') ?? ''
    if (issued === undefined || createHash('sha256').update(verifier).digest('base64url') !== issued.challenge || f.get('redirect_uri') !== issued.redirectUri) {
      return oauthError(res, 400, 'invalid_grant', 'Malformed auth code.')
    }
    this.access = `ya29.fake-access-${++this.issued}`
    sendJson(res, 200, this.tokenBody({ refresh_token: this.refresh }))
  }
}

export function addGoogleOAuth (server: FakeServer, opts: { expiresIn?: number } = {}): FakeGoogleOAuth {
  const state = new GoogleOAuthState(server.url, opts.expiresIn ?? 3599)
  server.route('GET /o/oauth2/v2/auth', (req, res) => state.consent(req, res))
  server.route('POST /token', (req, res) => state.token(req, res))
  return {
    authUrl: `${server.url}/o/oauth2/v2/auth`,
    tokenUrl: `${server.url}/token`,
    accessToken: () => state.access,
    refreshToken: () => state.refresh,
    expireAccessToken: () => { state.access = `ya29.fake-access-${++state.issued}-unissued` },
    revokeRefreshToken: () => { state.refresh = `1//revoked-${++state.issued}` },
    isValid: authorization => authorization === `Bearer ${state.access}`,
    refreshCount: () => state.refreshes,
    consents: state.consents
  }
}
