import { GatewayError, isGatewayError } from '../../plugins/gateway-error.js'
import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { isRecord } from '../../schemas/json-text.js'
import { geminiErrorDetails, googleErrorObject } from '../gemini-custom/errors.js'

/**
 * Code Assist errors are Google errors (FORMATS.md §5): the Gemini reading applies (RetryInfo / quotaResetDelay →
 * Retry-After, QUOTA_EXHAUSTED terminal). On top of it, the 403s that need the account owner to act get a message
 * that says what to do: VALIDATION_REQUIRED (verify the account in a browser), SERVICE_DISABLED (enable the API in
 * the project) and missing licences. Those messages replace Google's body for every client, Gemini included.
 */

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'
const HELP = 'type.googleapis.com/google.rpc.Help'

/** Codes of errors the user must fix outside the gateway; retrying or another model cannot help. */
export const ACCOUNT_ACTION_CODES: ReadonlySet<string> = new Set(['validation_required', 'service_disabled', 'no_license', 'ineligible_account', 'project_required'])

export function accountActionError (code: string, message: string): GatewayError {
  return new GatewayError({ kind: 'permission', status: 403, code, message, shouldRetry: false, credentialScoped: true })
}

export function validationRequiredMessage (link: string | undefined, reason?: string): string {
  const why = reason === undefined || reason === '' ? '' : ` (${reason})`
  const how = link === undefined
    ? 'run Gemini CLI ("gemini") with this account and follow its verification prompt'
    : `open ${link} in a browser signed in with this Google account and complete the verification`
  return `Google requires this account to be verified before it can use Gemini Code Assist${why}: ${how}, then retry`
}

interface GoogleErrorFacts {
  message: string
  reason?: string
  metadata: Record<string, unknown>
  links: string[]
}

function googleErrorFacts (bodyText: string): GoogleErrorFacts | undefined {
  const error = googleErrorObject(bodyText)
  if (error === undefined) return undefined
  const facts: GoogleErrorFacts = { message: typeof error.message === 'string' ? error.message : '', metadata: {}, links: [] }
  for (const detail of Array.isArray(error.details) ? error.details.filter(isRecord) : []) {
    if (detail['@type'] === ERROR_INFO) {
      if (typeof detail.reason === 'string') facts.reason = detail.reason
      if (isRecord(detail.metadata)) facts.metadata = detail.metadata
    }
    if (detail['@type'] === HELP && Array.isArray(detail.links)) {
      for (const link of detail.links) if (isRecord(link) && typeof link.url === 'string') facts.links.push(link.url)
    }
  }
  return facts
}

function metaString (meta: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = meta[key]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

function forbiddenDetails (facts: GoogleErrorFacts): UpstreamErrorDetails | undefined {
  const action = (code: string, message: string): UpstreamErrorDetails => ({ kind: 'permission', status: 403, code, message, shouldRetry: false })
  if (facts.reason === 'VALIDATION_REQUIRED') {
    return action('validation_required', validationRequiredMessage(facts.links[0] ?? metaString(facts.metadata, 'validation_link', 'validationUrl')))
  }
  if (facts.reason === 'SERVICE_DISABLED') {
    const url = metaString(facts.metadata, 'activationUrl')
    const project = metaString(facts.metadata, 'consumer', 'containerInfo')
    return action('service_disabled', `The Gemini for Google Cloud API is not enabled${project === undefined ? '' : ` for ${project}`}: enable it${url === undefined ? ' in the Google Cloud console' : ` at ${url}`} (or unset PROJECT_ID to use the free tier), then retry. Google said: ${facts.message}`)
  }
  if (/licen[cs]e/i.test(facts.message)) {
    return action('no_license', `This Google account has no Gemini Code Assist licence for the project: ask the project's admin to assign one, set PROJECT_ID to a project where you have one, or unset PROJECT_ID to use the free tier. Google said: ${facts.message}`)
  }
  return undefined
}

/** Reads a Code Assist error body; see the file comment. */
export function codeAssistErrorDetails (status: number, bodyText: string): UpstreamErrorDetails {
  const details = geminiErrorDetails(bodyText)
  if (status !== 403) return details
  const facts = googleErrorFacts(bodyText)
  const forbidden = facts === undefined ? undefined : forbiddenDetails(facts)
  return forbidden === undefined ? details : { ...details, ...forbidden }
}

/**
 * The Gemini surface forwards a Google error body verbatim; for the errors above our message must win, so the
 * error loses its upstream protocol (the body stays for the prompt log).
 */
export function preferOwnMessage (err: unknown): unknown {
  if (!isGatewayError(err) || err.code === undefined || !ACCOUNT_ACTION_CODES.has(err.code) || err.upstream?.protocol === undefined) return err
  const { protocol: _protocol, ...upstream } = err.upstream
  return new GatewayError({
    kind: err.kind,
    status: err.status,
    message: err.message,
    code: err.code,
    credentialScoped: err.credentialScoped,
    upstream,
    ...(err.shouldRetry === undefined ? {} : { shouldRetry: err.shouldRetry }),
    ...(err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter })
  })
}
