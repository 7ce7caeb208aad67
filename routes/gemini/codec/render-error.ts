import type { GatewayError } from '../../../plugins/gateway-error.js'
import type { RenderedError } from '../../surface-codec.js'
import type { GeminiErrorBody } from '../../../schemas/gemini/generate-response.js'
import { googleStatusName } from '../../../schemas/gemini/status-names.js'
import { isRecord } from '../../../schemas/json-text.js'

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo'
const GOOGLE_STATUS = /^[A-Z][A-Z_]+$/

/**
 * Gemini never answers 529 (its clients know 503 UNAVAILABLE), and the SDK only treats an in-stream error as one
 * when its code is 4xx/5xx.
 */
function clientStatus (status: number): number {
  if (status === 529) return 503
  return status >= 400 && status < 600 ? status : 500
}

/** Google's error envelope for a status and message (RetryInfo added when a delay is known). */
export function geminiErrorBody (status: number, message: string, opts: { statusName?: string, retryAfter?: number } = {}): GeminiErrorBody {
  const name = opts.statusName !== undefined && GOOGLE_STATUS.test(opts.statusName) ? opts.statusName : googleStatusName(status)
  const error: GeminiErrorBody['error'] = { code: clientStatus(status), message, status: name }
  if (opts.retryAfter !== undefined) error.details = [{ '@type': RETRY_INFO, retryDelay: `${opts.retryAfter}s` }]
  return { error }
}

/** The upstream's own Google error body, when it came from a Gemini (or Code Assist) upstream and parses. */
function forwardedBody (err: GatewayError): GeminiErrorBody | undefined {
  const upstream = err.upstream
  if (upstream?.protocol !== 'gemini' || upstream.body === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(upstream.body)
    const inner = Array.isArray(parsed) ? parsed[0] : parsed
    if (isRecord(inner) && isRecord(inner.error) && typeof inner.error.message === 'string') return inner as unknown as GeminiErrorBody
  } catch {}
  return undefined
}

/**
 * A GatewayError in Gemini's shape: `{"error":{"code","message","status"}}` with the google.rpc status name
 * (FORMATS.md §7), the upstream body verbatim when it already is one, and Retry-After / x-should-retry headers.
 */
export function renderGeminiError (err: GatewayError): RenderedError {
  const status = clientStatus(err.status)
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter)
  if (err.shouldRetry === false) headers['x-should-retry'] = 'false'
  const body = forwardedBody(err) ??
    geminiErrorBody(status, err.message, err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter })
  return { status, headers, body }
}
