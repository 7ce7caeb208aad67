import { MemoryStore } from './memory-store.js'
import type { StateStore } from './state-store.js'
import { isStoreUnavailable } from './store-errors.js'

/** The part of a pino logger this store uses (a Fastify logger fits). */
export interface StoreLogger {
  warn: (obj: Record<string, unknown>, msg: string) => void
  info: (obj: Record<string, unknown>, msg: string) => void
}

export interface ResilientStoreOptions {
  /** The shared store (RedisStore). Its failures must surface as StoreUnavailableError to trigger the fallback. */
  primary: StateStore & { ping?: () => Promise<void> }
  log: StoreLogger
  /** How often the primary is probed while the local store stands in. Default 1000 ms. */
  probeIntervalMs?: number
  /** Builds the stand-in store; a fresh one for each outage. Default: a new MemoryStore. */
  createFallback?: () => StateStore
}

const PROBE_KEY = 'state:probe'

/**
 * Uses the shared store while it answers and a local MemoryStore while it does not, so requests keep flowing when
 * Redis is down or stalled. The switch happens on the first StoreUnavailableError and is logged once (warn); a
 * timer probes the primary and switches back on the first answer (info). ioredis reconnects by itself.
 *
 * What an outage costs, by design:
 * - State is not shared meanwhile: each instance keeps its own cooldowns, round-robin cursor, in-flight counters
 *   and rate-limit counters, so limits are per instance and two instances may pick the same member.
 * - Locks are local: two instances may both refresh the same OAuth token (the refresh must tolerate that).
 * - Nothing is copied either way: local state is dropped when the primary is back (the shared state it returns to
 *   may be stale by the outage's length, and its TTLs still apply), and a lock or counter taken on one side is
 *   released on that same side.
 * - A command that timed out may still have reached Redis and run later (an increment then counts in Redis and in
 *   the local store); counters are approximate across an outage.
 * Errors that are not outages (a bad command) are rethrown, never masked by the fallback.
 */
export class ResilientStore implements StateStore {
  private readonly primary: ResilientStoreOptions['primary']
  private readonly log: StoreLogger
  private readonly probeIntervalMs: number
  private readonly createFallback: () => StateStore
  private fallback: StateStore | undefined
  private probeTimer: NodeJS.Timeout | undefined
  private probing = false
  private closed = false

  constructor (opts: ResilientStoreOptions) {
    this.primary = opts.primary
    this.log = opts.log
    this.probeIntervalMs = opts.probeIntervalMs ?? 1000
    this.createFallback = opts.createFallback ?? (() => new MemoryStore())
  }

  /** 'memory' while the local stand-in is in use. */
  get kind (): 'memory' | 'redis' {
    return this.fallback === undefined ? this.primary.kind : 'memory'
  }

  /** True while the shared store is unavailable and local state stands in (for health endpoints and metrics). */
  get degraded (): boolean {
    return this.fallback !== undefined
  }

  private async call<T> (op: (store: StateStore) => Promise<T>): Promise<T> {
    const local = this.fallback
    if (local !== undefined) return await op(local)
    try {
      return await op(this.primary)
    } catch (err) {
      if (!isStoreUnavailable(err) || this.closed) throw err
      return await op(this.enterFallback(err))
    }
  }

  private enterFallback (err: Error): StateStore {
    if (this.fallback !== undefined) return this.fallback
    const local = this.createFallback()
    this.fallback = local
    this.log.warn({ err, store: this.primary.kind },
      'Shared state store unavailable: using local in-memory state (not shared between instances) until it is back')
    this.probeTimer = setInterval(() => { void this.probe() }, this.probeIntervalMs)
    this.probeTimer.unref()
    return local
  }

  private async probe (): Promise<void> {
    if (this.probing || this.fallback === undefined) return
    this.probing = true
    try {
      if (this.primary.ping !== undefined) await this.primary.ping()
      else await this.primary.get(PROBE_KEY)
    } catch {
      return
    } finally {
      this.probing = false
    }
    if (this.closed) return
    await this.leaveFallback()
  }

  private async leaveFallback (): Promise<void> {
    clearInterval(this.probeTimer)
    this.probeTimer = undefined
    const local = this.fallback
    this.fallback = undefined
    this.log.info({ store: this.primary.kind }, 'Shared state store reachable again: local state dropped, shared state in use')
    await local?.close()
  }

  async get (key: string): Promise<string | undefined> {
    return await this.call(async s => await s.get(key))
  }

  async set (key: string, value: string, ttlMs?: number): Promise<void> {
    await this.call(async s => { await s.set(key, value, ttlMs) })
  }

  async delete (key: string): Promise<void> {
    await this.call(async s => { await s.delete(key) })
  }

  async increment (key: string, by?: number, ttlMs?: number): Promise<number> {
    return await this.call(async s => await s.increment(key, by, ttlMs))
  }

  async tryLock (key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const release = await this.call(async s => await s.tryLock(key, ttlMs))
    if (release === undefined) return undefined
    return async () => {
      try {
        await release()
      } catch (err) {
        // The lock's TTL frees it: an outage at release time must not fail the request that held it.
        if (!isStoreUnavailable(err)) throw err
      }
    }
  }

  async keys (prefix: string): Promise<string[]> {
    return await this.call(async s => await s.keys(prefix))
  }

  /** Closes the local stand-in and the primary. */
  async close (): Promise<void> {
    this.closed = true
    clearInterval(this.probeTimer)
    this.probeTimer = undefined
    const local = this.fallback
    this.fallback = undefined
    await local?.close()
    await this.primary.close()
  }
}
