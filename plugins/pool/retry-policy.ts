import { isGatewayError, type ErrorKind } from '../gateway-error.js'
import { isModelAccessFailure } from './health.js'

/**
 * Full-jitter exponential backoff (a random wait in [0, min(maxMs, baseMs·2^attempt)) ), which spreads the retries
 * of many clients hit by the same outage. attempt counts from 0.
 */
export function backoffDelay (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.floor(random() * ceiling)
}

const TRANSIENT_KINDS = new Set<ErrorKind>(['rate_limit', 'timeout', 'bad_gateway', 'unavailable', 'overloaded', 'upstream_error'])
const CREDENTIAL_KINDS = new Set<ErrorKind>(['authentication', 'permission', 'billing'])
const CREDENTIAL_STATUSES = new Set([401, 402, 403, 429])

/**
 * The failure belongs to the credential used (bad or expired key, exhausted quota, per-key rate limit, no access to
 * the model, which includes a 404 naming it): another pool member may succeed at once, while the same one will not.
 */
export function isCredentialScoped (error: unknown, model = ''): boolean {
  if (!isGatewayError(error)) return false
  return error.credentialScoped || CREDENTIAL_KINDS.has(error.kind) || error.kind === 'rate_limit' ||
    CREDENTIAL_STATUSES.has(error.upstream?.status ?? error.status) || isModelAccessFailure(error, model)
}

/**
 * Another attempt (on this member after a backoff, or on the next) may succeed: rate limits, timeouts, 5xx,
 * unreachable upstreams and credential-scoped failures. Never client mistakes (400, a 404 not about the model,
 * 413), our own bugs (internal), errors marked shouldRetry false, client aborts or anything not a GatewayError.
 */
export function isRetryable (error: unknown, model = ''): boolean {
  if (!isGatewayError(error) || error.shouldRetry === false) return false
  return TRANSIENT_KINDS.has(error.kind) || isCredentialScoped(error, model)
}

/** The upstream's Retry-After in ms, when it gave one. */
export function retryAfterMs (error: unknown): number | undefined {
  return isGatewayError(error) && error.retryAfter !== undefined ? error.retryAfter * 1000 : undefined
}
