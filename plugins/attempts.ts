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

/**
 * Thrown by an attempt whose target needs the request translated when the request cannot be (the decoder's 400).
 * The target is skipped: another may take the request untranslated, and an upstream that already answered keeps its
 * answer. The 400 is the client's answer only when no target answered.
 */
export class UntranslatableRequest extends Error {
  constructor (readonly error: GatewayError) {
    super(error.message)
    this.name = 'UntranslatableRequest'
  }
}

/** One attempt that an upstream (or the transport to it) answered with a failure. */
export interface FailedAttempt {
  id: string
  model: string
  error: GatewayError
}

/**
 * The answer when no attempt succeeded. An upstream's own answer whenever one can stand for all: when one member
 * answered, or every member that answered said the same (then the one with the soonest Retry-After), exactly as a
 * direct call would have had it. A local refusal only when members answered differently (503 naming each), when
 * no member was tried because every one is at its concurrency limit (429), or none serves the model (404).
 */
export function exhaustedError (plan: RoutePlan, failures: FailedAttempt[], now = Date.now()): GatewayError {
  const last = failures.at(-1)
  if (last !== undefined) {
    const members = new Set(failures.map(f => `${f.id}|${f.model}`))
    if (members.size === 1) return last.error
    if (new Set(failures.map(f => f.error.status)).size === 1) return soonestRetry(failures.map(f => f.error))
  }
  const reasons = describe(plan.skipped, failures, now)
  if (last !== undefined) {
    const retryAfter = soonestReturn(plan.skipped, failures, now)
    return new GatewayError({
      kind: 'unavailable',
      status: 503,
      code: 'no_provider_available',
      refusal: 'all_failed',
      message: `No provider credential could serve the request: ${reasons}`,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(retryAfter === undefined || retryAfter > SDK_RETRY_HORIZON_S ? { shouldRetry: false } : {})
    })
  }
  if (plan.skipped.some(s => s.reason === 'busy')) {
    // The operator's limit: the SDKs' own retry after a second is the right answer, and nothing was sent upstream.
    return new GatewayError({ kind: 'rate_limit', status: 429, code: 'concurrency_limit', refusal: 'concurrency_limit', retryAfter: 1, message: `Every provider credential is at its concurrency limit: ${reasons}` })
  }
  // The client's request is what no target could take: its own 400, as the first translating upstream would say.
  const untranslatable = plan.skipped.find(s => s.error !== undefined)?.error
  if (untranslatable !== undefined) return untranslatable
  if (plan.skipped.length > 0) {
    return new GatewayError({ kind: 'not_found', status: 404, code: 'model_not_found', refusal: 'no_member_for_model', message: `No enabled credential serves this model (${reasons})` })
  }
  return new GatewayError({ kind: 'unavailable', status: 503, code: 'no_provider_available', refusal: 'no_provider', message: 'No provider instance is configured for this request' })
}

function soonestRetry (errors: GatewayError[]): GatewayError {
  let best = errors.at(-1)!
  for (const e of errors) if (e.retryAfter !== undefined && (best.retryAfter === undefined || e.retryAfter < best.retryAfter)) best = e
  return best
}

function soonestReturn (skipped: SkippedTarget[], failures: FailedAttempt[], now: number): number | undefined {
  const untils = skipped.map(s => s.until).filter((u): u is number => u !== undefined)
  const hinted = failures.map(f => f.error.retryAfter).filter((r): r is number => r !== undefined)
  const waits = [...untils.map(u => Math.max(1, Math.ceil((u - now) / 1000))), ...hinted]
  return waits.length > 0 ? Math.min(...waits) : undefined
}

function describe (skipped: SkippedTarget[], failures: FailedAttempt[], now: number): string {
  const parts = failures.map(f => `${f.id} (${f.model}): ${f.error.status} ${f.error.message}`)
  for (const s of skipped) {
    if (s.reason === 'cooldown') parts.push(`${s.id} cooling down for ${s.model}${s.until === undefined ? '' : `, back in ${Math.max(1, Math.ceil((s.until - now) / 1000))} s`}`)
    else if (s.reason === 'busy') parts.push(`${s.id} at its concurrency limit`)
    else if (s.reason === 'model') parts.push(`${s.id} does not serve ${s.model}`)
    else if (s.reason === 'untranslatable') parts.push(`${s.id} needs a translation: ${s.error?.message ?? 'the request cannot be translated'}`)
    else parts.push(`${s.id} disabled`)
  }
  return parts.join('; ')
}

/**
 * Tries the plan's targets until one answers, before anything reached the client. A credential-scoped failure
 * (auth, quota, 429) moves to the next target at once; a transient one (5xx, timeout, reset) backs off with full
 * jitter and retries, spreading to the next target when there is one, within REQUEST_MAX_RETRIES. A Retry-After
 * longer than the delay cap is not waited for. Every failure and success feeds the pool's health; a cooling
 * last-resort target that serves has its cooldown lifted.
 */
export async function runAttempts<T> (
  plan: RoutePlan,
  policy: AttemptPolicy,
  pools: PoolManager,
  signal: AbortSignal,
  log: FastifyBaseLogger,
  call: (target: RouteTarget, attempt: number) => Promise<T>
): Promise<AttemptOutcome<T>> {
  const failures: FailedAttempt[] = []
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
    if (target.coolingUntil !== undefined) {
      const coolingMs = target.coolingUntil - Date.now()
      log.info({ provider: id, model: target.model, coolingMs }, 'no other member can serve: trying the cooling one back first')
    }
    try {
      const result = await call(target, attempts++)
      const health = target.coolingUntil === undefined ? pools.health.recordSuccess(id, target.model) : pools.health.lift(id, target.model)
      health.catch(() => {})
      return { result, target, attempts, ...(lease === undefined ? {} : { lease }) }
    } catch (err) {
      await lease?.release()
      if (signal.aborted || err instanceof ClientAbortError) throw new ClientAbortError()
      if (err instanceof UntranslatableRequest) {
        plan.skipped.push({ id, model: target.model, reason: 'untranslatable', error: err.error })
        attempts-- // nothing was sent upstream
        i++
        continue
      }
      if (!isGatewayError(err)) throw err
      await pools.health.recordFailure(id, target.model, err).catch((e: unknown) => log.warn({ err: e }, 'health update failed'))
      if (!isRetryable(err, target.model)) throw err
      failures.push({ id, model: target.model, error: err })
      log.info({ provider: id, status: err.status, kind: err.kind, attempt: attempts }, 'upstream attempt failed')
      if (isCredentialScoped(err, target.model) || budget === 0) {
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
