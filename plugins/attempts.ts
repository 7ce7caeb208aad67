import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError, isGatewayError } from './gateway-error.js'
import { ClientAbortError } from './upstream-errors.js'
import type { RouteTarget } from './router.js'

export interface AttemptPolicy {
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface AttemptOutcome<T> {
  result: T
  target: RouteTarget
  attempts: number
}

const RETRYABLE_KINDS = new Set(['rate_limit', 'timeout', 'bad_gateway', 'unavailable', 'overloaded', 'upstream_error'])

/** Whether trying again (same or next credential) can help. Client mistakes (400, 404, 413) never retry. */
export function isRetryable (err: unknown): boolean {
  if (!isGatewayError(err)) return false
  if (err.shouldRetry === false) return false
  return RETRYABLE_KINDS.has(err.kind) || err.credentialScoped
}

/** Full-jitter exponential backoff, honouring a Retry-After that fits under the cap. */
export function backoffDelay (attempt: number, policy: AttemptPolicy, err: unknown, random = Math.random): number {
  const hinted = isGatewayError(err) && err.retryAfter !== undefined ? err.retryAfter * 1000 : undefined
  if (hinted !== undefined) return Math.min(hinted, policy.maxDelayMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/**
 * Runs `call` against the targets until one succeeds, before anything reached the client. A credential-scoped
 * failure moves to the next target at once; other retryable failures back off first. A Retry-After longer than the
 * delay cap is not waited for: the error goes back to the client with its Retry-After.
 */
export async function runAttempts<T> (
  targets: readonly RouteTarget[],
  policy: AttemptPolicy,
  signal: AbortSignal,
  call: (target: RouteTarget, attempt: number) => Promise<T>
): Promise<AttemptOutcome<T>> {
  if (targets.length === 0) throw new GatewayError({ kind: 'unavailable', status: 503, message: 'No provider instance is available for this request' })
  let index = 0
  let lastError: unknown
  for (let attempt = 0; attempt <= policy.maxRetries; attempt++) {
    const target = targets[index % targets.length]!
    try {
      return { result: await call(target, attempt), target, attempts: attempt + 1 }
    } catch (err) {
      lastError = err
      if (signal.aborted || err instanceof ClientAbortError) throw new ClientAbortError()
      if (!isRetryable(err) || attempt === policy.maxRetries) throw err
      const switchTarget = isGatewayError(err) && err.credentialScoped && targets.length > 1
      if (switchTarget) {
        index++
        continue
      }
      if (isGatewayError(err) && err.retryAfter !== undefined && err.retryAfter * 1000 > policy.maxDelayMs) throw err
      try {
        await sleep(backoffDelay(attempt, policy, err), undefined, { signal })
      } catch {
        throw new ClientAbortError()
      }
    }
  }
  throw lastError
}
