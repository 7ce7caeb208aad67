import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import { GatewayError, isGatewayError } from './gateway-error.js'
import { ClientAbortError } from './upstream-errors.js'
import { backoffDelay, isCredentialScoped, isRetryable } from './pool/retry-policy.js'
import type { PoolManager } from './pools.js'
import type { RoutePlan, RouteTarget, SkippedTarget } from './router.js'
import type { Lease } from './pool/concurrency.js'

export interface AttemptPolicy {
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface AttemptOutcome<T> {
  result: T
  target: RouteTarget
  attempts: number
  /** The concurrency slot held for this exchange, released when it ends. */
  lease?: Lease
}

/** Retry-After hints the client's SDK honours by itself; longer waits are marked x-should-retry: false. */
const SDK_RETRY_HORIZON_S = 60

/** The answer when nothing could serve the request: why, and when to come back. */
export function exhaustedError (plan: RoutePlan, failures: GatewayError[], now = Date.now()): GatewayError {
  const last = failures.at(-1)
  const skipped = plan.skipped.filter(s => s.reason === 'cooldown' || s.reason === 'busy')
  // One upstream answer and nothing skipped: the client sees exactly that answer.
  if (last !== undefined && failures.length === 1 && skipped.length === 0) return last
  const untils = plan.skipped.map(s => s.until).filter((u): u is number => u !== undefined)
  const hinted = failures.map(f => f.retryAfter).filter((r): r is number => r !== undefined)
  const waits = [...untils.map(u => Math.max(1, Math.ceil((u - now) / 1000))), ...hinted]
  const retryAfter = waits.length > 0 ? Math.min(...waits) : undefined
  const rateLimited = failures.some(f => f.kind === 'rate_limit') || skipped.some(s => s.reason === 'busy') ||
    (failures.length === 0 && skipped.length > 0)
  const reasons = describe(plan.skipped, failures)
  if (plan.targets.length === 0 && plan.skipped.length > 0 && plan.skipped.every(s => s.reason === 'model' || s.reason === 'disabled')) {
    return new GatewayError({ kind: 'not_found', status: 404, code: 'model_not_found', message: `No enabled credential serves this model (${reasons})` })
  }
  if (last !== undefined && !rateLimited && skipped.length === 0 && failures.every(f => f.kind === last.kind)) return last
  return new GatewayError({
    kind: rateLimited ? 'rate_limit' : 'unavailable',
    status: rateLimited ? 429 : 503,
    message: `No provider credential could serve the request: ${reasons}`,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(retryAfter === undefined || retryAfter > SDK_RETRY_HORIZON_S ? { shouldRetry: false } : {})
  })
}

function describe (skipped: SkippedTarget[], failures: GatewayError[]): string {
  const parts = skipped.map(s => `${s.id} ${s.reason === 'cooldown' ? 'cooling down' : s.reason === 'busy' ? 'at its concurrency limit' : s.reason === 'model' ? `does not serve ${s.model}` : 'disabled'}`)
  for (const f of failures) parts.push(`${f.status} ${f.message}`)
  return parts.length === 0 ? 'no provider instance is configured' : parts.join('; ')
}

/**
 * Tries the plan's targets until one answers, before anything reached the client. A credential-scoped failure
 * (auth, quota, 429) moves to the next target at once; a transient one (5xx, timeout, reset) backs off with full
 * jitter and retries, spreading to the next target when there is one, within REQUEST_MAX_RETRIES. A Retry-After
 * longer than the delay cap is not waited for. Every failure and success feeds the pool's health.
 */
export async function runAttempts<T> (
  plan: RoutePlan,
  policy: AttemptPolicy,
  pools: PoolManager,
  signal: AbortSignal,
  log: FastifyBaseLogger,
  call: (target: RouteTarget, attempt: number) => Promise<T>
): Promise<AttemptOutcome<T>> {
  const failures: GatewayError[] = []
  let budget = policy.maxRetries
  let attempts = 0
  for (let i = 0; i < plan.targets.length;) {
    const target = plan.targets[i]!
    const id = target.provider.id
    const limit = pools.meta(id).concurrencyLimit ?? 0
    const lease = limit > 0 ? await pools.concurrency.tryAcquire(id, limit) : undefined
    if (limit > 0 && lease === undefined) {
      plan.skipped.push({ id, model: target.model, reason: 'busy' })
      i++
      continue
    }
    try {
      const result = await call(target, attempts++)
      pools.health.recordSuccess(id, target.model).catch(() => {})
      return { result, target, attempts, ...(lease === undefined ? {} : { lease }) }
    } catch (err) {
      await lease?.release()
      if (signal.aborted || err instanceof ClientAbortError) throw new ClientAbortError()
      if (!isGatewayError(err)) throw err
      await pools.health.recordFailure(id, target.model, err).catch((e: unknown) => log.warn({ err: e }, 'health update failed'))
      if (!isRetryable(err)) throw err
      failures.push(err)
      log.info({ provider: id, status: err.status, kind: err.kind, attempt: attempts }, 'upstream attempt failed')
      if (isCredentialScoped(err) || budget === 0) {
        i++
        continue
      }
      budget--
      const wait = err.retryAfter === undefined ? backoffDelay(attempts - 1, policy.baseDelayMs, policy.maxDelayMs) : err.retryAfter * 1000
      if (wait > policy.maxDelayMs) {
        i++
        continue
      }
      try {
        await sleep(wait, undefined, { signal })
      } catch {
        throw new ClientAbortError()
      }
      if (i + 1 < plan.targets.length) i++
    }
  }
  throw exhaustedError(plan, failures)
}
