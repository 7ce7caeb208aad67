import type { StateStore } from '../state-store.js'

export interface ConcurrencyOptions {
  /** Longest a request may hold a slot; a slot not released by then (a crashed instance) stops counting. Default 10 min. */
  slotTtlMs?: number
  /** Width of one counter bucket; reads cost slotTtlMs / bucketMs + 1 store reads. Default 2 min. */
  bucketMs?: number
  now?: () => number
  prefix?: string
}

/** One held slot. release() is idempotent. */
export interface Lease {
  readonly member: string
  release: () => Promise<void>
}

/**
 * Per-member in-flight counters shared through the StateStore. A single counter cannot be both exact and safe: a
 * crashed instance would hold its slots for ever, and a TTL on the counter would reset it under live requests. So
 * slots are counted in time buckets (`<prefix>inflight:<member>:<bucket>`), each with a TTL of slotTtlMs + bucketMs:
 * a release decrements the bucket its acquire incremented, and what a dead instance left behind drops out when its
 * bucket ages past slotTtlMs. The count is the sum of the live buckets.
 */
export class ConcurrencyTracker {
  private readonly slotTtlMs: number
  private readonly bucketMs: number
  private readonly now: () => number
  private readonly prefix: string

  constructor (private readonly store: StateStore, opts: ConcurrencyOptions = {}) {
    this.slotTtlMs = opts.slotTtlMs ?? 600_000
    this.bucketMs = opts.bucketMs ?? 120_000
    this.now = opts.now ?? Date.now
    this.prefix = opts.prefix ?? 'pool:'
  }

  private key (member: string, bucket: number): string {
    return `${this.prefix}inflight:${encodeURIComponent(member)}:${bucket}`
  }

  private liveBuckets (now: number): number[] {
    const current = Math.floor(now / this.bucketMs)
    const span = Math.ceil(this.slotTtlMs / this.bucketMs)
    const buckets: number[] = []
    for (let b = current - span; b <= current; b++) buckets.push(b)
    return buckets
  }

  private async sum (member: string, buckets: number[]): Promise<number> {
    const values = await Promise.all(buckets.map(async b => await this.store.get(this.key(member, b))))
    return values.reduce((total, v) => total + (v === undefined ? 0 : Number(v) || 0), 0)
  }

  /** Requests in flight on the member across all instances (never negative). */
  async inFlight (member: string): Promise<number> {
    return Math.max(0, await this.sum(member, this.liveBuckets(this.now())))
  }

  /**
   * Takes a slot; undefined when the member already has `limit` in flight (limit 0 or undefined: no limit, the slot
   * is still counted for least-busy). Increment first, then check, so two instances racing for the last slot can
   * both back off but never both get it.
   */
  async tryAcquire (member: string, limit?: number): Promise<Lease | undefined> {
    const acquiredAt = this.now()
    const buckets = this.liveBuckets(acquiredAt)
    const current = buckets[buckets.length - 1] ?? Math.floor(acquiredAt / this.bucketMs)
    const key = this.key(member, current)
    const ttl = this.slotTtlMs + this.bucketMs
    const [mine, others] = await Promise.all([
      this.store.increment(key, 1, ttl),
      limit === undefined || limit <= 0 ? Promise.resolve(0) : this.sum(member, buckets.slice(0, -1))
    ])
    if (limit !== undefined && limit > 0 && mine + others > limit) {
      await this.store.increment(key, -1, ttl)
      return undefined
    }
    let released = false
    return {
      member,
      release: async () => {
        if (released) return
        released = true
        // Past its TTL the slot no longer counts; decrementing could recreate the bucket at -1.
        if (this.now() - acquiredAt >= this.slotTtlMs) return
        await this.store.increment(key, -1, ttl)
      }
    }
  }
}
