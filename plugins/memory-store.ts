import type { StateStore } from './state-store.js'

interface Entry { value: string, expiresAt: number }

/**
 * In-memory StateStore. Expired entries are dropped lazily on read and by a sweep every minute (unref'd timer,
 * cleared on close), so memory stays bounded without a timer per key.
 */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const
  private readonly entries = new Map<string, Entry>()
  private readonly sweeper: NodeJS.Timeout
  private lockCounter = 0

  constructor (sweepEveryMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs)
    this.sweeper.unref()
  }

  private live (key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  private sweep (): void {
    const now = Date.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
  }

  async get (key: string): Promise<string | undefined> {
    return this.live(key)?.value
  }

  async set (key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs })
  }

  async delete (key: string): Promise<void> {
    this.entries.delete(key)
  }

  async increment (key: string, by = 1, ttlMs?: number): Promise<number> {
    const entry = this.live(key)
    if (entry === undefined) {
      this.entries.set(key, { value: String(by), expiresAt: ttlMs === undefined ? Infinity : Date.now() + ttlMs })
      return by
    }
    const next = Number(entry.value) + by
    entry.value = String(next)
    return next
  }

  async tryLock (key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    if (this.live(key) !== undefined) return undefined
    const token = String(++this.lockCounter)
    this.entries.set(key, { value: token, expiresAt: Date.now() + ttlMs })
    return async () => {
      if (this.live(key)?.value === token) this.entries.delete(key)
    }
  }

  async keys (prefix: string): Promise<string[]> {
    const out: string[] = []
    for (const key of this.entries.keys()) if (key.startsWith(prefix) && this.live(key) !== undefined) out.push(key)
    return out
  }

  async close (): Promise<void> {
    clearInterval(this.sweeper)
    this.entries.clear()
  }
}
