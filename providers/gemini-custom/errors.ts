import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { parseDurationSeconds } from '../../plugins/upstream-errors.js'
import { isRecord } from '../../schemas/json-text.js'

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo'
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure'
/** Gemini CLI treats a longer wait as terminal; so does the gateway (retrying on this credential cannot help). */
const TERMINAL_DELAY_SECONDS = 300

const CODES: Record<string, string> = {
  QUOTA_EXHAUSTED: 'insufficient_quota',
  RATE_LIMIT_EXCEEDED: 'rate_limit_exceeded',
  MODEL_CAPACITY_EXHAUSTED: 'model_capacity_exhausted',
  API_KEY_INVALID: 'invalid_api_key'
}

/** The `error` object of a Google error body (also inside the array of the non-SSE stream form). */
export function googleErrorObject (bodyText: string): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(bodyText)
  } catch {
    return undefined
  }
  // The non-SSE streaming form wraps the error in an array.
  const body = Array.isArray(parsed) ? parsed[0] : parsed
  return isRecord(body) && isRecord(body.error) ? body.error : undefined
}

/**
 * Reads a Google error body (`{"error":{code,message,status,details}}`, FORMATS.md §4/§5): the message, the
 * retry delay (RetryInfo.retryDelay, else ErrorInfo metadata.quotaResetDelay), and whether retrying can help
 * (QUOTA_EXHAUSTED, a per-day quota or a delay past 5 minutes cannot). A bad API key answers 400 with
 * API_KEY_INVALID; it is reported as 401 so it is handled as the credential failure it is.
 */
export function geminiErrorDetails (bodyText: string): UpstreamErrorDetails {
  const error = googleErrorObject(bodyText)
  if (error === undefined) return {}
  const out: UpstreamErrorDetails = {}
  if (typeof error.message === 'string' && error.message !== '') out.message = error.message
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : []
  let retryDelay: number | undefined
  let resetDelay: number | undefined
  let reason: string | undefined
  let perDay = false
  for (const detail of details) {
    const type = detail['@type']
    if (type === RETRY_INFO && typeof detail.retryDelay === 'string') retryDelay = parseDurationSeconds(detail.retryDelay)
    if (type === ERROR_INFO) {
      if (typeof detail.reason === 'string') reason = detail.reason
      const meta = detail.metadata
      if (isRecord(meta) && typeof meta.quotaResetDelay === 'string') resetDelay = parseDurationSeconds(meta.quotaResetDelay)
    }
    if (type === QUOTA_FAILURE && Array.isArray(detail.violations)) {
      perDay ||= detail.violations.some(v => isRecord(v) && typeof v.quotaId === 'string' && v.quotaId.includes('PerDay'))
    }
  }
  const retryAfter = retryDelay ?? resetDelay
  if (retryAfter !== undefined) out.retryAfter = retryAfter
  if (reason !== undefined && CODES[reason] !== undefined) out.code = CODES[reason]
  if (reason === 'QUOTA_EXHAUSTED' || perDay || (retryAfter !== undefined && retryAfter > TERMINAL_DELAY_SECONDS)) {
    out.shouldRetry = false
  }
  if (reason === 'API_KEY_INVALID') {
    out.status = 401
    out.kind = 'authentication'
  }
  return out
}
