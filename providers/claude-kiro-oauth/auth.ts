import type { Transport } from '../../plugins/transport.js'
import { GatewayError, isGatewayError } from '../../plugins/gateway-error.js'
import { readBodyText } from '../../plugins/upstream-errors.js'
import { parseJsonObject } from '../../schemas/json-text.js'
import { oauthFailure } from '../shared/oauth-failure.js'
import type { KiroCredentials } from './token-file.js'

/**
 * Kiro access-token refresh (FORMATS.md §6 "Token refresh").
 *
 * - social (Google/GitHub): POST KIRO_REFRESH_URL {refreshToken} → {accessToken, refreshToken, profileArn, expiresIn}
 * - IdC (BuilderId/Enterprise): POST KIRO_REFRESH_IDC_URL with camelCase JSON {clientId, clientSecret, refreshToken,
 *   grantType:"refresh_token"} → {accessToken, refreshToken, expiresIn, tokenType}
 * A 400 `invalid_grant` is permanent: the user has to sign in again, retrying cannot help.
 */

export interface KiroRefreshUrls {
  /** Templates; `{{region}}` is replaced by the auth region. */
  social: string
  idc: string
}

export const DEFAULT_KIRO_REFRESH_URLS: Readonly<KiroRefreshUrls> = {
  social: 'https://prod.{{region}}.auth.desktop.kiro.dev/refreshToken',
  idc: 'https://oidc.{{region}}.amazonaws.com/token'
}

/** Refresh this long before expiry, so a request never starts with a token about to lapse. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000
const DEFAULT_EXPIRES_IN_S = 3600

export const KIRO_REFRESH_TOKEN_INVALID = 'kiro_refresh_token_invalid'

export interface RefreshHttpRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** True when the access token is missing, has no readable expiry, or expires within `marginMs`. */
export function needsRefresh (creds: KiroCredentials, nowMs: number, marginMs = DEFAULT_REFRESH_MARGIN_MS): boolean {
  if (creds.accessToken === undefined) return true
  const expires = creds.expiresAt === undefined ? Number.NaN : Date.parse(creds.expiresAt)
  return Number.isNaN(expires) || expires - nowMs <= marginMs
}

function fill (template: string, region: string): string {
  return template.replaceAll('{{region}}', region)
}

export function buildRefreshRequest (creds: KiroCredentials, urls: KiroRefreshUrls = DEFAULT_KIRO_REFRESH_URLS): RefreshHttpRequest {
  if (creds.refreshToken === undefined) {
    throw refreshFailure(401, 'The Kiro credentials have no refreshToken, so the expired access token cannot be renewed; sign in to Kiro again', true)
  }
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'KiroIDE' }
  if (creds.authMethod === 'social') {
    return { url: fill(urls.social, creds.region), headers, body: JSON.stringify({ refreshToken: creds.refreshToken }) }
  }
  if (creds.clientId === undefined || creds.clientSecret === undefined) {
    throw refreshFailure(401, 'Kiro IdC refresh needs clientId and clientSecret', true)
  }
  const body = { clientId: creds.clientId, clientSecret: creds.clientSecret, refreshToken: creds.refreshToken, grantType: 'refresh_token' }
  return { url: fill(urls.idc, creds.idcRegion ?? creds.region), headers, body: JSON.stringify(body) }
}

function refreshFailure (status: number, message: string, permanent: boolean): GatewayError {
  return oauthFailure(status, message, permanent, { permanent: KIRO_REFRESH_TOKEN_INVALID, transient: 'kiro_refresh_failed' })
}

/** True for refresh failures that retrying cannot fix (revoked or missing refresh token). */
export function isPermanentRefreshFailure (err: unknown): boolean {
  return isGatewayError(err) && err.code === KIRO_REFRESH_TOKEN_INVALID
}


function text (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** New credentials from a refresh answer; throws a GatewayError for failures (invalid_grant → permanent). */
export function applyRefreshResponse (creds: KiroCredentials, status: number, bodyText: string, nowMs: number): KiroCredentials {
  const body = parseJsonObject(bodyText)
  if (status < 200 || status >= 300) {
    // Token endpoints do not echo tokens back; error/error_description/message are safe to show.
    const detail = [text(body.error), text(body.error_description) ?? text(body.message)].filter((s) => s !== undefined).join(': ')
    const suffix = detail === '' ? '' : ` (${detail})`
    if ((status === 400 || status === 401) && /invalid_grant|invalid refresh token/i.test(bodyText)) {
      throw refreshFailure(401, `Kiro rejected the refresh token${suffix}; sign in to Kiro again and update the credentials`, true)
    }
    throw refreshFailure(status === 429 ? 429 : 502, `Kiro token refresh failed with HTTP ${status}${suffix}`, false)
  }
  const accessToken = text(body.accessToken) ?? text(body.access_token)
  if (accessToken === undefined) throw refreshFailure(502, 'Kiro token refresh answered without an accessToken', false)
  const expiresIn = typeof body.expiresIn === 'number' && body.expiresIn > 0 ? body.expiresIn : DEFAULT_EXPIRES_IN_S
  const next: KiroCredentials = { ...creds, accessToken, expiresAt: new Date(nowMs + expiresIn * 1000).toISOString() }
  const refreshToken = text(body.refreshToken) ?? text(body.refresh_token)
  if (refreshToken !== undefined) next.refreshToken = refreshToken
  const profileArn = text(body.profileArn)
  if (profileArn !== undefined) next.profileArn = profileArn
  return next
}

/** Performs the refresh over the project's Transport; the caller persists the result (writeTokenFileAtomic). */
export async function refreshKiroToken (
  transport: Transport,
  creds: KiroCredentials,
  urls: KiroRefreshUrls,
  signal: AbortSignal,
  nowMs = Date.now()
): Promise<KiroCredentials> {
  const request = buildRefreshRequest(creds, urls)
  const res = await transport.request({ url: request.url, method: 'POST', headers: request.headers, body: request.body, signal })
  const bodyText = await readBodyText(res.body)
  return applyRefreshResponse(creds, res.status, bodyText, nowMs)
}

/** The API region: the region inside profileArn (arn:aws:codewhisperer:REGION:…), else the credentials' region. */
export function apiRegionFor (creds: Pick<KiroCredentials, 'profileArn' | 'region'>): string {
  const region = creds.profileArn?.split(':')[3]
  return region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : creds.region
}
