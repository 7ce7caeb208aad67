import { Type, type Static } from '@sinclair/typebox'
import type { ErrorKind } from '../gateway-error.js'
import type { StateStore } from '../state-store.js'

export const HealthConfig = Type.Object({
  scope: Type.Union([Type.Literal('member'), Type.Literal('model')], {
    default: 'model',
    description: 'What a rate limit, a Retry-After or a failure run cools down: only the member for that model (OpenAI, Anthropic and Gemini limit per model), or the whole member'
  }),
  rateLimitCooldownMs: Type.Integer({ minimum: 0, default: 10_000, description: '429 without a Retry-After' }),
  maxCooldownMs: Type.Integer({ minimum: 0, default: 600_000, description: 'Cap on every cooldown, Retry-After included' }),
  authCooldownMs: Type.Integer({ minimum: 0, default: 300_000, description: '401/403/402 after the caller tried a refresh, and a 401/403/404 that names the model' }),
  failureThreshold: Type.Integer({ minimum: 1, default: 3, description: '5xx/network failures within failureWindowMs that cool down' }),
  failureWindowMs: Type.Integer({ minimum: 1, default: 60_000 }),
  failureCooldownMs: Type.Integer({ minimum: 0, default: 30_000 })
}, { additionalProperties: false })
export type HealthConfig = Static<typeof HealthConfig>

export const HEALTH_DEFAULTS: HealthConfig = {
  scope: 'model',
  rateLimitCooldownMs: 10_000,
  maxCooldownMs: 600_000,
  authCooldownMs: 300_000,
  failureThreshold: 3,
  failureWindowMs: 60_000,
  failureCooldownMs: 30_000
}

/** What the caller knows about a failed attempt; a GatewayError fits as it is (retryAfter in seconds). */
export interface FailureInfo {
  kind: ErrorKind
  status: number
  retryAfter?: number
  code?: string
  upstream?: { body?: string }
}

/** model_access: a 401/403/404 that names the model (no access to it, or no such model here). */
export type CooldownReason = 'rate_limit' | 'credential' | 'model_access' | 'failures' | 'retry_after'

export interface Cooldown {
  member: string
  /** Present when only this model is cooled down for the member. */
  model?: string
  reason: CooldownReason
  kind: ErrorKind
  status: number
  since: number
  until: number
}

export interface CooldownPlan { reason: CooldownReason, ms: number, wholeMember: boolean }

const CREDENTIAL_KINDS = new Set<ErrorKind>(['authentication', 'permission', 'billing'])
const MODEL_ACCESS_KINDS = new Set<ErrorKind>(['authentication', 'permission', 'not_found'])
const TRANSIENT_KINDS = new Set<ErrorKind>(['timeout', 'bad_gateway', 'unavailable', 'overloaded', 'upstream_error'])

/**
 * A 401/403/404 about one model ("Project proj_abc does not have access to model gpt-5-pro", "The model `x` does
 * not exist", Gemini's "models/x is not found"): the upstream body names the model, or the code says so. Such a
 * failure says nothing about the credential's other models.
 */
export function isModelAccessFailure (failure: FailureInfo, model: string): boolean {
  if (!MODEL_ACCESS_KINDS.has(failure.kind)) return false
  if (failure.code === 'model_not_found') return true
  const body = failure.upstream?.body
  return model !== '' && body !== undefined && body.includes(model)
}

/**
 * Decides by kind, so a provider that maps an upstream 400 to 'authentication' (Gemini's invalid key) still counts,
 * and client mistakes (invalid_request, request_too_large, a 404 that does not name the model) and our own bugs
 * (internal) never do. 'count' means: one more failure in the window. `model` is the model the attempt asked for.
 */
export function planCooldown (failure: FailureInfo, config: HealthConfig, model = ''): CooldownPlan | 'count' | undefined {
  const hinted = failure.retryAfter === undefined ? undefined : failure.retryAfter * 1000
  const capped = (ms: number): number => Math.min(ms, config.maxCooldownMs)
  const wholeMember = config.scope === 'member'
  if (failure.kind === 'rate_limit') return { reason: 'rate_limit', ms: capped(hinted ?? config.rateLimitCooldownMs), wholeMember }
  if (isModelAccessFailure(failure, model)) return { reason: 'model_access', ms: capped(config.authCooldownMs), wholeMember: false }
  if (CREDENTIAL_KINDS.has(failure.kind)) {
    const ms = failure.kind === 'billing' && hinted !== undefined ? hinted : config.authCooldownMs
    return { reason: 'credential', ms: capped(ms), wholeMember: true }
  }
  if (!TRANSIENT_KINDS.has(failure.kind)) return undefined
  // An upstream that says when to come back (503 + Retry-After) is taken at its word, without counting.
  if (hinted !== undefined) return { reason: 'retry_after', ms: capped(hinted), wholeMember }
  return 'count'
}

function parseCooldown (text: string | undefined): Cooldown | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return undefined
    const c = value as Partial<Cooldown>
    if (typeof c.member !== 'string' || typeof c.until !== 'number' || typeof c.since !== 'number') return undefined
    return c as Cooldown
  } catch {
    return undefined
  }
}

/** Which cooldowns and failure runs a reset lifts: all, one member's, one model's on every member, or one pair's. */
export interface ResetScope {
  member?: string
  model?: string
}

/**
 * Member health over the StateStore, so every instance sees the same cooldowns. Cooldowns are store entries with a
 * TTL: they end by themselves and can never go stale. Keys: `<prefix>cooldown:<member>|<model>` and
 * `<prefix>failures:<member>|<model>` (model empty for the whole member; both URI-encoded). A cooldown only orders
 * the candidates: the router still tries a cooling member when nothing else can serve.
 */
export class HealthTracker {
  readonly config: HealthConfig

  constructor (
    private readonly store: StateStore,
    config: Partial<HealthConfig> = {},
    private readonly now: () => number = Date.now,
    private readonly prefix = 'pool:'
  ) {
    this.config = { ...HEALTH_DEFAULTS, ...config }
  }

  private key (kind: 'cooldown' | 'failures', member: string, model?: string): string {
    return `${this.prefix}${kind}:${this.encoded(member)}|${model === undefined ? '' : this.encoded(model)}`
  }

  /** Member ids and model names, URI-encoded once (every request builds keys from the same few); bounded. */
  private readonly encodings = new Map<string, string>()
  private encoded (part: string): string {
    let out = this.encodings.get(part)
    if (out === undefined) {
      if (this.encodings.size >= 1024) this.encodings.clear()
      out = encodeURIComponent(part)
      this.encodings.set(part, out)
    }
    return out
  }

  /** The model part of failure-run keys under the configured scope. */
  private scoped (model: string): string | undefined {
    return this.config.scope === 'model' && model !== '' ? model : undefined
  }

  /** A success ends the member's failure run: only failures without a success between them add up. */
  async recordSuccess (member: string, model: string): Promise<void> {
    await this.store.delete(this.key('failures', member, this.scoped(model)))
  }

  /** Returns the cooldown now in force because of this failure, if any. */
  async recordFailure (member: string, model: string, failure: FailureInfo): Promise<Cooldown | undefined> {
    let plan = planCooldown(failure, this.config, model)
    if (plan === undefined) return undefined
    if (plan === 'count') {
      const key = this.key('failures', member, this.scoped(model))
      const count = await this.store.increment(key, 1, this.config.failureWindowMs)
      if (count < this.config.failureThreshold) return undefined
      await this.store.delete(key)
      plan = { reason: 'failures', ms: this.config.failureCooldownMs, wholeMember: this.config.scope === 'member' }
    }
    if (plan.ms <= 0) return undefined
    const cooledModel = plan.wholeMember || model === '' ? undefined : model
    const since = this.now()
    const cooldown: Cooldown = {
      member, ...(cooledModel === undefined ? {} : { model: cooledModel }),
      reason: plan.reason, kind: failure.kind, status: failure.status, since, until: since + plan.ms
    }
    const key = this.key('cooldown', member, cooledModel)
    // Never shorten a longer cooldown already in force (a 429 arriving during an auth cooldown).
    const existing = parseCooldown(await this.store.get(key))
    if (existing !== undefined && existing.until >= cooldown.until) return existing
    await this.store.set(key, JSON.stringify(cooldown), plan.ms)
    return cooldown
  }

  /**
   * The cooldown that keeps the member from serving this model now (the longer one when both apply). Both keys
   * are read whatever the scope: a model-access cooldown is per model even under the member scope.
   */
  async cooldownOf (member: string, model: string): Promise<Cooldown | undefined> {
    // Two reads at once, without a wrapper promise per key: this runs for every member on every request.
    const found = model === ''
      ? [parseCooldown(await this.store.get(this.key('cooldown', member)))]
      : (await Promise.all([this.store.get(this.key('cooldown', member)), this.store.get(this.key('cooldown', member, model))])).map(parseCooldown)
    const now = this.now()
    let longest: Cooldown | undefined
    for (const c of found) if (c !== undefined && c.until > now && (longest === undefined || c.until > longest.until)) longest = c
    return longest
  }

  async isAvailable (member: string, model: string): Promise<boolean> {
    return (await this.cooldownOf(member, model)) === undefined
  }

  /** A cooling member just served this model: its cooldowns for it (and the member-wide one) are over. */
  async lift (member: string, model: string): Promise<void> {
    const cooldowns = [this.key('cooldown', member)]
    if (model !== '') cooldowns.push(this.key('cooldown', member, model))
    await Promise.all([this.recordSuccess(member, model), ...cooldowns.map(async k => { await this.store.delete(k) })])
  }

  /** Every cooldown in force (admin listing: scans the store, not for the request path). */
  async list (): Promise<Cooldown[]> {
    const keys = await this.store.keys(`${this.prefix}cooldown:`)
    const values = await Promise.all(keys.map(async k => parseCooldown(await this.store.get(k))))
    const now = this.now()
    return values
      .filter((c): c is Cooldown => c !== undefined && c.until > now)
      .sort((a, b) => a.member.localeCompare(b.member) || (a.model ?? '').localeCompare(b.model ?? ''))
  }

  /** Clears cooldowns and failure runs (all, one member's, one model's, or one pair's); returns how many cooldowns were lifted. */
  async reset (scope: ResetScope = {}): Promise<number> {
    const member = scope.member === undefined ? '' : `${encodeURIComponent(scope.member)}|`
    const model = scope.model === undefined ? undefined : `|${encodeURIComponent(scope.model)}`
    // Model keys end in `|<model>`; the member part never holds a raw '|' (it is URI-encoded).
    const matching = async (kind: 'cooldown' | 'failures'): Promise<string[]> => {
      const keys = await this.store.keys(`${this.prefix}${kind}:${member}`)
      return model === undefined ? keys : keys.filter(k => k.endsWith(model))
    }
    const [cooldowns, failures] = await Promise.all([matching('cooldown'), matching('failures')])
    await Promise.all([...cooldowns, ...failures].map(async k => { await this.store.delete(k) }))
    return cooldowns.length
  }
}
