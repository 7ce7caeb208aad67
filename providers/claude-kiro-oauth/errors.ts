import { isGatewayError } from '../../plugins/gateway-error.js'
import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { isRecord } from '../../schemas/json-text.js'

/**
 * Reads Kiro / CodeWhisperer HTTP error bodies (FORMATS.md §6 "HTTP errors").
 *
 * Bodies are `{"message","reason"?}` or `{"__type":"…#ValidationException","message"}`. Quota exhaustion shows as
 * 402 with `"reason":"MONTHLY_REQUEST_COUNT"` (public proxies also see it with other statuses, and the overage
 * variant `OVERAGE_REQUEST_LIMIT_EXCEEDED`), so the reason wins over the status.
 */

/** `code` on the GatewayError when the access token was rejected: the provider refreshes it and retries once. */
export const KIRO_TOKEN_INVALID = 'kiro_token_invalid'
export const KIRO_ACCOUNT_SUSPENDED = 'kiro_account_suspended'

const QUOTA_REASONS = ['MONTHLY_REQUEST_COUNT', 'OVERAGE_REQUEST_LIMIT_EXCEEDED']
const TOO_LONG_MARKERS = ['CONTENT_LENGTH_EXCEEDS_THRESHOLD', 'Input is too long']
const BEARER_INVALID = 'The bearer token included in the request is invalid'

interface KiroErrorBody {
  message?: string
  reason?: string
  exception?: string
}

function readBody (bodyText: string): KiroErrorBody {
  let value: unknown
  try {
    value = JSON.parse(bodyText)
  } catch {
    const text = bodyText.trim().slice(0, 500)
    return text === '' ? {} : { message: text }
  }
  if (!isRecord(value)) return {}
  const nested = isRecord(value.error) ? value.error : undefined
  const message = firstString(value.message, value.Message, nested?.message)
  const reason = firstString(value.reason, nested?.reason)
  const type = firstString(value.__type, value.type, nested?.type)
  const out: KiroErrorBody = {}
  if (message !== undefined) out.message = message
  if (reason !== undefined) out.reason = reason
  // "com.amazon.aws.codewhisperer#ValidationException" → "ValidationException"
  if (type !== undefined) out.exception = type.slice(type.lastIndexOf('#') + 1)
  return out
}

function firstString (...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v !== '') return v
  return undefined
}

function describe (body: KiroErrorBody, fallback: string): string {
  const base = body.message ?? body.exception ?? fallback
  return body.reason !== undefined && !base.includes(body.reason) ? `${base} (${body.reason})` : base
}

/** Details for `upstreamHttpError` from a Kiro error status and body. */
export function kiroErrorDetails (status: number, bodyText: string): UpstreamErrorDetails {
  const body = readBody(bodyText)
  const all = `${bodyText} ${body.reason ?? ''}`
  const message = describe(body, `Kiro returned HTTP ${status}`)

  if (status === 402 || QUOTA_REASONS.some((r) => all.includes(r))) {
    return { status: 402, kind: 'billing', code: 'insufficient_quota', shouldRetry: false, message: `Kiro quota exhausted: ${message}` }
  }
  if (status === 401 || (status === 403 && all.includes(BEARER_INVALID))) {
    return { kind: 'authentication', code: KIRO_TOKEN_INVALID, message: `Kiro rejected the access token: ${message}` }
  }
  if (status === 403 && /temporarily\s*(is\s*)?suspended/i.test(all)) {
    return { kind: 'permission', code: KIRO_ACCOUNT_SUSPENDED, shouldRetry: false, message: `Kiro account suspended: ${message}` }
  }
  if (status === 400 && TOO_LONG_MARKERS.some((m) => all.includes(m))) {
    // OpenAI's code for this; clients that compact on overflow look for it (and for "too long" in the message).
    return { code: 'context_length_exceeded', message: `Input is too long for the model: ${message}` }
  }
  if (all.includes('INSUFFICIENT_MODEL_CAPACITY')) {
    return { status: 503, kind: 'overloaded', message: `Kiro has no capacity for this model right now: ${message}` }
  }
  if (status === 429) return { message: `Kiro rate limit: ${message}` }
  return { message }
}

/** True when a provider call failed because the access token was rejected (refresh, then retry once). */
export function isKiroTokenInvalid (err: unknown): boolean {
  return isGatewayError(err) && err.code === KIRO_TOKEN_INVALID
}

/** In-stream exception/error frames → HTTP status for the canonical error event (the message can override the type). */
export function statusForStreamError (exceptionType: string, message: string): number {
  const text = `${exceptionType} ${message}`
  if (QUOTA_REASONS.some((r) => text.includes(r))) return 402
  if (TOO_LONG_MARKERS.some((m) => text.includes(m))) return 400
  switch (exceptionType) {
    case 'ValidationException': return 400
    case 'AccessDeniedException': return 403
    case 'ResourceNotFoundException': return 404
    case 'ConflictException': return 409
    case 'ThrottlingException': case 'ServiceQuotaExceededException': return 429
    case 'ServiceUnavailableException': return 503
    case 'InternalServerException': return 500
    default: return 502
  }
}
