import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { kindForClaudeErrorType } from '../../schemas/anthropic/error-types.js'
import { isRecord } from '../../schemas/json-text.js'

/** Anthropic says "credit balance is too low" with a 400 invalid_request_error; it is a billing failure. */
const LOW_CREDIT = /credit balance is too low/i

/**
 * Reads an Anthropic error body (`{"type":"error","error":{"type","message"}}`): its message, and the kind its
 * error.type names, which is more precise than the status (overloaded_error, billing_error…). Bodies that are not
 * Anthropic errors (proxy HTML pages…) give no details; the status decides.
 */
export function claudeErrorDetails (bodyText: string): UpstreamErrorDetails {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return {}
  }
  if (!isRecord(body) || !isRecord(body.error)) return {}
  const details: UpstreamErrorDetails = {}
  const { type, message } = body.error
  if (typeof message === 'string' && message !== '') details.message = message
  if (typeof type === 'string') {
    const known = kindForClaudeErrorType(type)
    // invalid_request_error also comes with 413 and 422; there the status is the better guide.
    if (known !== undefined && type !== 'invalid_request_error') details.kind = known.kind
  }
  if (typeof message === 'string' && LOW_CREDIT.test(message)) {
    details.kind = 'billing'
    details.shouldRetry = false
  }
  return details
}
