/**
 * The gateway's shared state, behind one small interface. The in-memory store is the embedded default (one
 * process); the Redis store lets several instances share pool health, cooldowns, cursors, refresh locks, rate-limit
 * counters and stored responses. Keys are namespaced by the caller ('pool:…', 'lock:…').
 */
export interface StateStore {
  readonly kind: 'memory' | 'redis'
  get(key: string): Promise<string | undefined>
  /** ttlMs undefined = no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>
  delete(key: string): Promise<void>
  /** Atomically adds `by` and returns the new value; the TTL is set when the key is created. */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>
  /**
   * Takes a lock for at most ttlMs; returns a release function, or undefined when someone else holds it.
   * Releasing a lock that expired and was taken by another holder does nothing.
   */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
  /** Keys with a prefix (for admin listings; not for hot paths). */
  keys(prefix: string): Promise<string[]>
  close(): Promise<void>
}
