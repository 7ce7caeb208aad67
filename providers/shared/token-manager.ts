import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { StateStore } from '../../plugins/state-store.js'

/** How one OAuth credential is read, refreshed and persisted. The manager adds timing, locking and sharing. */
export interface TokenSource<C> {
  /** Stable id of the credential (a hash of its file path or refresh token); names the lock and the shared copy. */
  readonly key: string
  load(): Promise<C>
  /** Epoch ms when the access token expires (0 = unknown: refresh before use). */
  expiresAt(creds: C): number
  refresh(creds: C, signal: AbortSignal): Promise<C>
  /** Writes refreshed credentials back (atomically) where they came from; a no-op for inline (base64) ones. */
  save(creds: C): Promise<void>
  serialize(creds: C): string
  deserialize(text: string): C | undefined
}

/** A credential's stable key: a hash of where it comes from (file path or inline value), never the value itself. */
export function credentialKey (prefix: string, seed: string): string {
  return `${prefix}:${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`
}

/** serialize/deserialize for credentials that are plain JSON objects (how they are shared in the state store). */
export function jsonCredentialCodec<C> (): Pick<TokenSource<C>, 'serialize' | 'deserialize'> {
  return {
    serialize: c => JSON.stringify(c),
    deserialize: text => {
      try {
        return JSON.parse(text) as C
      } catch {
        return undefined
      }
    }
  }
}

export interface TokenManagerOptions {
  /** Refresh this long before expiry (CRON_NEAR_MINUTES). */
  marginMs: number
  log: FastifyBaseLogger
  /** How long a refresh may hold the cross-instance lock. */
  lockTtlMs?: number
}

/**
 * Keeps one OAuth credential fresh. A refresh happens ahead of expiry, at most once at a time per credential:
 * within the process (one shared promise) and across instances (a state-store lock; the winner publishes the new
 * credentials in the store, the others wait for them instead of refreshing again). Refresh tokens are never lost:
 * a refresh that returns none keeps the old one (the source's job) and the file is replaced atomically.
 */
export class TokenManager<C> {
  private creds: C | undefined
  private inflight: Promise<C> | undefined
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly source: TokenSource<C>, private readonly state: StateStore, private readonly opts: TokenManagerOptions) {}

  private get sharedKey (): string {
    return `oauth:token:${this.source.key}`
  }

  private fresh (creds: C, now = Date.now()): boolean {
    const expires = this.source.expiresAt(creds)
    return expires > 0 && expires - this.opts.marginMs > now
  }

  /** Credentials another instance refreshed, when newer than ours. */
  private async shared (): Promise<C | undefined> {
    const text = await this.state.get(this.sharedKey).catch(() => undefined)
    return text === undefined ? undefined : this.source.deserialize(text)
  }

  private async loadLocal (): Promise<C> {
    if (this.creds === undefined) this.creds = await this.source.load()
    const shared = await this.shared()
    if (shared !== undefined && this.source.expiresAt(shared) > this.source.expiresAt(this.creds)) this.creds = shared
    return this.creds
  }

  /** Usable credentials, refreshed first when they expire within the margin. */
  async current (signal: AbortSignal): Promise<C> {
    const creds = await this.loadLocal()
    if (this.fresh(creds)) return creds
    return await this.refresh(signal, creds)
  }

  /**
   * Refreshes (after the upstream rejected `stale`). When the credentials already changed since `stale` was read,
   * the newer ones are returned without another refresh.
   */
  async refresh (signal: AbortSignal, stale?: C): Promise<C> {
    if (stale !== undefined && this.creds !== undefined && this.creds !== stale && this.fresh(this.creds)) return this.creds
    this.inflight ??= this.refreshOnce(signal, stale).finally(() => { this.inflight = undefined })
    return await this.inflight
  }

  private async refreshOnce (signal: AbortSignal, stale: C | undefined): Promise<C> {
    const lockTtl = this.opts.lockTtlMs ?? 30_000
    const deadline = Date.now() + lockTtl
    while (true) {
      const release = await this.state.tryLock(`oauth:lock:${this.source.key}`, lockTtl)
      if (release !== undefined) {
        try {
          // Another instance may have refreshed while we waited for the lock.
          const shared = await this.shared()
          if (shared !== undefined && shared !== stale && this.fresh(shared) && (stale === undefined || this.source.expiresAt(shared) > this.source.expiresAt(stale))) {
            this.creds = shared
            return shared
          }
          const base = this.creds ?? await this.source.load()
          const next = await this.source.refresh(base, signal)
          this.creds = next
          const ttl = Math.max(60_000, this.source.expiresAt(next) - Date.now())
          await this.state.set(this.sharedKey, this.source.serialize(next), ttl).catch(() => {})
          await this.source.save(next).catch((err: unknown) => {
            this.opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'refreshed credentials could not be written back')
          })
          this.opts.log.info({ credential: this.source.key, expiresAt: new Date(this.source.expiresAt(next)).toISOString() }, 'oauth token refreshed')
          return next
        } finally {
          await release().catch(() => {})
        }
      }
      // Someone else is refreshing: wait for their result instead of refreshing twice.
      await sleep(200, undefined, { signal })
      const shared = await this.shared()
      if (shared !== undefined && this.fresh(shared)) {
        this.creds = shared
        return shared
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another instance to refresh the OAuth token')
    }
  }

  /** Proactive refresh ahead of expiry (CRON_REFRESH_TOKEN): checks every minute, off the request path. */
  startBackgroundRefresh (everyMs = 60_000): void {
    this.timer = setInterval(() => {
      const creds = this.creds
      if (creds !== undefined && this.fresh(creds)) return
      this.current(AbortSignal.timeout(60_000)).catch((err: unknown) => {
        this.opts.log.warn({ credential: this.source.key, err: err instanceof Error ? err.message : String(err) }, 'background token refresh failed')
      })
    }, everyMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }
}
