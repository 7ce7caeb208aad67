import { homedir } from 'node:os'
import { join } from 'node:path'
import { GatewayError } from '../../plugins/gateway-error.js'
import { isRecord } from '../../schemas/json-text.js'
import { readJsonFile, writeJsonFileAtomic } from '../shared/json-file.js'

/**
 * The credentials Gemini CLI writes after "Login with Google" (FORMATS.md §5 "OAuth"): google-auth-library's
 * Credentials object, `{"access_token","refresh_token","scope","token_type","id_token","expiry_date":<ms>}`.
 * They come from GEMINI_OAUTH_CREDS_BASE64 (refreshed tokens then live in memory and the state store only) or from
 * GEMINI_OAUTH_CREDS_FILE_PATH (default ~/.gemini/oauth_creds.json), which is rewritten after each refresh with
 * every field it had, so Gemini CLI sharing the file keeps working.
 */
export interface GeminiCredentials {
  accessToken?: string
  refreshToken?: string
  /** Epoch ms when the access token expires. */
  expiryDate?: number
  /** An `authorized_user` file (gcloud ADC) names its own OAuth client; otherwise Gemini CLI's is used. */
  clientId?: string
  clientSecret?: string
  /** The file's own JSON object, unknown fields included: what a write-back starts from. */
  file: Record<string, unknown>
}

export interface GeminiCredentialSource {
  filePath?: string
  base64?: string
}

export interface LoadedGeminiCredentials {
  creds: GeminiCredentials
  /** Where refreshed tokens are written back; undefined for base64 credentials. */
  filePath?: string
}

export function defaultGeminiCredsPath (): string {
  return join(homedir(), '.gemini', 'oauth_creds.json')
}

export function geminiCredentialsError (message: string): GatewayError {
  return new GatewayError({ kind: 'internal', status: 500, message, code: 'gemini_credentials_invalid', credentialScoped: true })
}

function nonEmpty (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** google-auth-library writes expiry_date as a number; hand-edited files sometimes hold a string or an ISO date. */
function epochMs (value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/** Validates a credentials object; `origin` names the source in messages (never its content). */
export function parseGeminiCredentials (raw: unknown, origin: string): GeminiCredentials {
  if (!isRecord(raw)) throw geminiCredentialsError(`The Gemini OAuth credentials (${origin}) are not a JSON object`)
  const creds: GeminiCredentials = { file: raw }
  const accessToken = nonEmpty(raw.access_token)
  const refreshToken = nonEmpty(raw.refresh_token)
  const expiryDate = epochMs(raw.expiry_date)
  const clientId = nonEmpty(raw.client_id)
  const clientSecret = nonEmpty(raw.client_secret)
  if (accessToken !== undefined) creds.accessToken = accessToken
  if (refreshToken !== undefined) creds.refreshToken = refreshToken
  if (expiryDate !== undefined) creds.expiryDate = expiryDate
  if (clientId !== undefined && clientSecret !== undefined) {
    creds.clientId = clientId
    creds.clientSecret = clientSecret
  }
  if (refreshToken === undefined && accessToken === undefined) {
    throw geminiCredentialsError(`The Gemini OAuth credentials (${origin}) have neither refresh_token nor access_token: run "switchboard login gemini" (or log in with Gemini CLI) and point GEMINI_OAUTH_CREDS_FILE_PATH at the oauth_creds.json it writes`)
  }
  return creds
}

/** Loads credentials from base64 (wins when both are set) or the file. */
export async function loadGeminiCredentials (source: GeminiCredentialSource): Promise<LoadedGeminiCredentials> {
  if (source.base64 !== undefined && source.base64.trim() !== '') {
    let raw: unknown
    try {
      raw = JSON.parse(Buffer.from(source.base64, 'base64').toString('utf8'))
    } catch {
      throw geminiCredentialsError('GEMINI_OAUTH_CREDS_BASE64 is not base64-encoded JSON')
    }
    return { creds: parseGeminiCredentials(raw, 'GEMINI_OAUTH_CREDS_BASE64') }
  }
  const filePath = source.filePath ?? defaultGeminiCredsPath()
  const read = await readJsonFile(filePath)
  if (!read.ok) {
    const why = read.reason === 'unreadable' ? `cannot be read (${read.code})` : 'is not valid JSON'
    throw geminiCredentialsError(`The Gemini OAuth credentials file ${filePath} ${why}: run "switchboard login gemini" or set GEMINI_OAUTH_CREDS_FILE_PATH`)
  }
  return { creds: parseGeminiCredentials(read.value, filePath), filePath }
}

/** The file content after a refresh or login: the original fields with the renewed ones set in place. */
export function credentialsFileContent (creds: GeminiCredentials): Record<string, unknown> {
  const out: Record<string, unknown> = { ...creds.file }
  if (creds.accessToken !== undefined) out.access_token = creds.accessToken
  // Never written as absent: a refresh answer without a refresh token keeps the one we had.
  if (creds.refreshToken !== undefined) out.refresh_token = creds.refreshToken
  if (creds.expiryDate !== undefined) out.expiry_date = creds.expiryDate
  return out
}

/** Writes the credentials file atomically with mode 0600, creating its directory on a first login. */
export async function writeGeminiCredentials (path: string, creds: GeminiCredentials): Promise<void> {
  await writeJsonFileAtomic(path, credentialsFileContent(creds), { createDir: true })
}
