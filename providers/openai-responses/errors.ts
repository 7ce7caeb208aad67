import { GatewayError, kindForStatus } from '../../plugins/gateway-error.js'
import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { isRecord } from '../../schemas/json-text.js'

/** Reads `{"error":{"message","type","param","code"}}`, the error body of every OpenAI-compatible endpoint. */
export function responsesErrorDetails (bodyText: string): UpstreamErrorDetails {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return {}
  }
  const error = isRecord(body) ? body.error : undefined
  if (!isRecord(error)) return {}
  const details: UpstreamErrorDetails = {}
  if (typeof error.message === 'string' && error.message !== '') details.message = error.message
  const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined
  if (code !== undefined) details.code = code
  if (code === 'insufficient_quota') {
    // An empty account is not a rate limit: waiting does not help, another credential might.
    details.kind = 'billing'
    details.shouldRetry = false
  }
  return details
}

/** HTTP status for the `code` of an in-stream error or a failed response. */
export function statusForCode (code: string | undefined): number {
  switch (code) {
    case 'rate_limit_exceeded': case 'insufficient_quota': return 429
    case undefined: case 'server_error': case 'vector_store_timeout': return 502
    default:
      // The remaining codes (invalid_prompt, context_length_exceeded, invalid_image…) describe the request.
      return 400
  }
}

/** A `status: "failed"` response or a `response.failed` event as the error the gateway throws. */
export function responsesFailure (error: unknown): GatewayError {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : 'The upstream response failed'
  const status = statusForCode(code)
  return new GatewayError({
    kind: status === 502 ? 'upstream_error' : kindForStatus(status),
    status,
    message,
    ...(code === undefined ? {} : { code })
  })
}
