import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { GatewayError } from '../../plugins/gateway-error.js'
import { isRecord } from '../../schemas/json-text.js'
import { readJsonFile, writeJsonFileAtomic } from '../shared/json-file.js'

/**
 * The Kiro credential model (FORMATS.md §6 "Token file").
 *
 * Credentials come from KIRO_OAUTH_CREDS_BASE64 (a base64 JSON object; refreshed tokens then live in memory only)
 * or from KIRO_OAUTH_CREDS_FILE_PATH (default ~/.aws/sso/cache/kiro-auth-token.json). IdC logins keep their
 * OIDC client in `<clientIdHash>.json` beside the token file. The file is written back after a refresh with
 * every field it had, known or not, so the Kiro IDE sharing it keeps working.
 */

export type KiroAuthMethod = 'social' | 'IdC'

export interface KiroCredentials {
  accessToken?: string
  refreshToken?: string
  profileArn?: string
  /** The auth region (refresh endpoints); the API region comes from profileArn. */
  region: string
  /** AIClient-2-API's separate OIDC region, when set. */
  idcRegion?: string
  authMethod: KiroAuthMethod
  /** Github | Google | BuilderId | Enterprise */
  provider?: string
  /** ISO-8601 expiry of the access token. */
  expiresAt?: string
  clientId?: string
  clientSecret?: string
  clientIdHash?: string
  /** The token file's own JSON object, unknown fields included: what a write-back starts from. */
  file: Record<string, unknown>
}

export interface KiroCredentialSource {
  filePath?: string
  base64?: string
}

export interface LoadedKiroCredentials {
  creds: KiroCredentials
  /** Where refreshed tokens are written back; undefined for base64 credentials. */
  filePath?: string
}

export const DEFAULT_KIRO_REGION = 'us-east-1'

export function defaultKiroTokenPath (): string {
  return join(homedir(), '.aws', 'sso', 'cache', 'kiro-auth-token.json')
}

export function credentialsError (message: string, cause?: unknown): GatewayError {
  return new GatewayError({
    kind: 'internal',
    status: 500,
    message,
    code: 'kiro_credentials_invalid',
    credentialScoped: true,
    ...(cause === undefined ? {} : { cause })
  })
}

function str (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function authMethodOf (raw: Record<string, unknown>): KiroAuthMethod {
  const method = str(raw.authMethod)?.toLowerCase()
  if (method === 'social') return 'social'
  if (method === 'idc' || method === 'builder-id' || method === 'builderid' || method === 'enterprise') return 'IdC'
  // Older files have no authMethod: an OIDC client means IdC.
  return str(raw.clientId) !== undefined && str(raw.clientSecret) !== undefined ? 'IdC' : 'social'
}

/**
 * Validates a credentials object. `origin` names the source in messages; `client` is the IdC client file's object.
 * Throws a GatewayError whose message says what is missing and where it should come from.
 */
export function parseKiroCredentials (raw: unknown, origin: string, client?: Record<string, unknown>): KiroCredentials {
  if (!isRecord(raw)) throw credentialsError(`Kiro credentials (${origin}) are not a JSON object`)
  const creds: KiroCredentials = { region: str(raw.region) ?? DEFAULT_KIRO_REGION, authMethod: authMethodOf(raw), file: raw }
  const fields = ['accessToken', 'refreshToken', 'profileArn', 'idcRegion', 'provider', 'expiresAt', 'clientId', 'clientSecret', 'clientIdHash'] as const
  for (const key of fields) {
    const value = str(raw[key]) ?? (key === 'clientId' || key === 'clientSecret' ? str(client?.[key]) : undefined)
    if (value !== undefined) creds[key] = value
  }
  if (creds.refreshToken === undefined && creds.accessToken === undefined) {
    throw credentialsError(`Kiro credentials (${origin}) have neither refreshToken nor accessToken; sign in with the Kiro IDE and point KIRO_OAUTH_CREDS_FILE_PATH at kiro-auth-token.json`)
  }
  if (creds.authMethod === 'IdC' && creds.refreshToken !== undefined && (creds.clientId === undefined || creds.clientSecret === undefined)) {
    const where = creds.clientIdHash === undefined ? 'the credentials' : `${creds.clientIdHash}.json beside the token file`
    throw credentialsError(`Kiro credentials (${origin}) use authMethod IdC but clientId/clientSecret are missing (expected in ${where})`)
  }
  return creds
}

async function readKiroJson (path: string, what: string): Promise<unknown> {
  const read = await readJsonFile(path)
  if (read.ok) return read.value
  if (read.reason === 'unreadable') throw credentialsError(`Cannot read the Kiro ${what} ${path} (${read.code})`)
  throw credentialsError(`The Kiro ${what} ${path} is not valid JSON`)
}

/** Loads and validates credentials from base64 (wins when both are set) or the token file. */
export async function loadKiroCredentials (source: KiroCredentialSource): Promise<LoadedKiroCredentials> {
  if (source.base64 !== undefined && source.base64.trim() !== '') {
    let raw: unknown
    try {
      raw = JSON.parse(Buffer.from(source.base64, 'base64').toString('utf8'))
    } catch (err) {
      throw credentialsError('KIRO_OAUTH_CREDS_BASE64 is not base64-encoded JSON', err)
    }
    return { creds: parseKiroCredentials(raw, 'KIRO_OAUTH_CREDS_BASE64') }
  }
  const filePath = source.filePath ?? defaultKiroTokenPath()
  const raw = await readKiroJson(filePath, 'token file')
  const client = isRecord(raw) ? await readClientFile(raw, filePath) : undefined
  return { creds: parseKiroCredentials(raw, filePath, client), filePath }
}

async function readClientFile (raw: Record<string, unknown>, tokenPath: string): Promise<Record<string, unknown> | undefined> {
  const hash = str(raw.clientIdHash)
  if (hash === undefined || authMethodOf(raw) !== 'IdC') return undefined
  if (str(raw.clientId) !== undefined && str(raw.clientSecret) !== undefined) return undefined
  // The hash names a file in the same directory; anything path-like is refused.
  if (!/^[A-Za-z0-9_.-]+$/.test(hash) || hash.startsWith('.')) throw credentialsError(`Invalid clientIdHash in ${tokenPath}`)
  const client = await readKiroJson(join(dirname(tokenPath), `${hash}.json`), 'IdC client file')
  return isRecord(client) ? client : undefined
}

/** The token file's content after a refresh: its original fields with the renewed ones updated in place. */
export function tokenFileContent (creds: KiroCredentials): Record<string, unknown> {
  const out: Record<string, unknown> = { ...creds.file }
  for (const key of ['accessToken', 'refreshToken', 'expiresAt', 'profileArn'] as const) {
    const value = creds[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

/** Writes the token file atomically with mode 0600 (see writeJsonFileAtomic), keeping every field it had. */
export async function writeTokenFileAtomic (path: string, creds: KiroCredentials): Promise<void> {
  await writeJsonFileAtomic(path, tokenFileContent(creds))
}
