import { createHash, randomBytes } from 'node:crypto'
import type { Transport } from '../../plugins/transport.js'
import { GatewayError, isGatewayError } from '../../plugins/gateway-error.js'
import { readBodyText } from '../../plugins/upstream-errors.js'
import { parseJsonObject } from '../../schemas/json-text.js'
import { oauthFailure } from '../shared/oauth-failure.js'
import type { GeminiCredentials } from './credentials.js'

/**
 * Google OAuth for the Gemini CLI installed-app client (FORMATS.md §5 "OAuth"): refresh-token grant, the
 * authorization-code exchange of the login command, and the authorization URL with PKCE. Plain form posts over the
 * gateway's Transport. The client id and secret are the public constants of gemini-cli `code_assist/oauth2.ts`
 * (an installed application's secret is not a secret, per Google's own documentation).
 */

export const GEMINI_CLI_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com'
export const GEMINI_CLI_CLIENT_SECRET = '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'
export const GEMINI_OAUTH_SCOPES: readonly string[] = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile'
]
export const DEFAULT_GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth'
export const GEMINI_REFRESH_TOKEN_INVALID = 'gemini_refresh_token_invalid'
const DEFAULT_EXPIRES_IN_S = 3599

const RELOGIN = 'run "switchboard login gemini" (or log in again with Gemini CLI) and update GEMINI_OAUTH_CREDS_FILE_PATH'

function tokenFailure (status: number, message: string, permanent: boolean): GatewayError {
  return oauthFailure(status, message, permanent, { permanent: GEMINI_REFRESH_TOKEN_INVALID, transient: 'gemini_token_request_failed' })
}

/** True for refresh failures that retrying cannot fix (revoked, expired or missing refresh token). */
export function isPermanentGeminiRefreshFailure (err: unknown): boolean {
  return isGatewayError(err) && err.code === GEMINI_REFRESH_TOKEN_INVALID
}


function field (body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Credentials from a token endpoint answer (refresh or code exchange). Google's errors are
 * `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`; token endpoints never
 * echo tokens in errors, so error and description are safe to show.
 */
export function applyTokenResponse (base: GeminiCredentials, status: number, text: string, nowMs: number, what = 'token refresh'): GeminiCredentials {
  const body = parseJsonObject(text)
  if (status < 200 || status >= 300) {
    const error = field(body, 'error')
    const detail = [error, field(body, 'error_description')].filter(s => s !== undefined).join(': ')
    const suffix = detail === '' ? '' : ` (${detail})`
    if ((status === 400 || status === 401) && (error === 'invalid_grant' || error === 'unauthorized_client' || error === 'invalid_client')) {
      throw tokenFailure(401, `Google rejected the Gemini OAuth ${what}${suffix}: ${RELOGIN}`, true)
    }
    throw tokenFailure(status === 429 ? 429 : 502, `Google OAuth ${what} failed with HTTP ${status}${suffix}`, false)
  }
  const accessToken = field(body, 'access_token')
  if (accessToken === undefined) throw tokenFailure(502, `Google OAuth ${what} answered without an access_token`, false)
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_S
  const file: Record<string, unknown> = { ...base.file }
  for (const key of ['scope', 'token_type', 'id_token'] as const) {
    const value = field(body, key)
    if (value !== undefined) file[key] = value
  }
  const next: GeminiCredentials = { ...base, file, accessToken, expiryDate: nowMs + expiresIn * 1000 }
  // Google does not rotate refresh tokens; when one comes anyway it replaces ours, otherwise ours is kept.
  const refreshToken = field(body, 'refresh_token')
  if (refreshToken !== undefined) next.refreshToken = refreshToken
  return next
}

async function postForm (transport: Transport, url: string, form: Record<string, string>, signal: AbortSignal): Promise<{ status: number, text: string }> {
  const res = await transport.request({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    signal
  })
  return { status: res.status, text: await readBodyText(res.body) }
}

/** `grant_type=refresh_token` against the token endpoint; the caller persists the result. */
export async function refreshGeminiToken (
  transport: Transport,
  creds: GeminiCredentials,
  tokenUrl: string,
  signal: AbortSignal,
  nowMs = Date.now()
): Promise<GeminiCredentials> {
  if (creds.refreshToken === undefined) {
    throw tokenFailure(401, `The Gemini OAuth credentials have no refresh_token, so the expired access token cannot be renewed: ${RELOGIN}`, true)
  }
  const { status, text } = await postForm(transport, tokenUrl, {
    grant_type: 'refresh_token',
    refresh_token: creds.refreshToken,
    client_id: creds.clientId ?? GEMINI_CLI_CLIENT_ID,
    client_secret: creds.clientSecret ?? GEMINI_CLI_CLIENT_SECRET
  }, signal)
  return applyTokenResponse(creds, status, text, nowMs)
}

export interface AuthorizationCode {
  code: string
  codeVerifier: string
  redirectUri: string
}

/** The login command's code exchange (`grant_type=authorization_code` with the PKCE verifier). */
export async function exchangeAuthorizationCode (
  transport: Transport,
  tokenUrl: string,
  grant: AuthorizationCode,
  signal: AbortSignal,
  nowMs = Date.now()
): Promise<GeminiCredentials> {
  const { status, text } = await postForm(transport, tokenUrl, {
    grant_type: 'authorization_code',
    code: grant.code,
    code_verifier: grant.codeVerifier,
    redirect_uri: grant.redirectUri,
    client_id: GEMINI_CLI_CLIENT_ID,
    client_secret: GEMINI_CLI_CLIENT_SECRET
  }, signal)
  const creds = applyTokenResponse({ file: { token_type: 'Bearer' } }, status, text, nowMs, 'code exchange')
  if (creds.refreshToken === undefined) {
    throw tokenFailure(502, 'Google returned no refresh token. Remove the earlier grant at https://myaccount.google.com/permissions and log in again', false)
  }
  return creds
}

export interface PkcePair {
  verifier: string
  challenge: string
}

/** RFC 7636 S256: a 43-character base64url verifier and its SHA-256 challenge. */
export function createPkcePair (): PkcePair {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** The consent page URL: offline access (a refresh token), consent forced so Google issues one again. */
export function buildAuthorizationUrl (authUrl: string, opts: { redirectUri: string, state: string, codeChallenge: string }): string {
  const url = new URL(authUrl)
  url.searchParams.set('client_id', GEMINI_CLI_CLIENT_ID)
  url.searchParams.set('redirect_uri', opts.redirectUri)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('scope', GEMINI_OAUTH_SCOPES.join(' '))
  url.searchParams.set('access_type', 'offline')
  url.searchParams.set('prompt', 'consent')
  url.searchParams.set('code_challenge', opts.codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('state', opts.state)
  return url.toString()
}
