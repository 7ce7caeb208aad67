import { createHash, randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { StateStore } from './state-store.js'
import { StoreUnavailableError } from './store-errors.js'

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL. Default redis://127.0.0.1:6379. */
  url?: string
  /** Prepended to every key, so several gateways (or test runs) can share one Redis. Default 'switchboard:'. */
  keyPrefix?: string
  /** A command not answered within this fails with StoreUnavailableError. Default 500 ms. */
  commandTimeoutMs?: number
  /** Default 2000 ms. */
  connectTimeoutMs?: number
  /** Longest pause between reconnection attempts (ioredis keeps trying for ever). Default 2000 ms. */
  maxReconnectDelayMs?: number
  /** Further ioredis options (TLS, username, db). The fast-fail settings of this store always win. */
  redisOptions?: RedisOptions
  /** Connection errors; ioredis emits one per failed reconnect, so this is noisy while Redis is down. */
  onError?: (err: Error) => void
}

// The TTL is set only when INCRBY creates the key, so a counter window is not stretched by later increments.
const INCREMENT_SCRIPT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`

// Compare-and-delete: a holder whose lock expired and was taken by someone else must not release theirs.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

interface Script { source: string, sha: string }

function script (source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

const INCREMENT = script(INCREMENT_SCRIPT)
const RELEASE = script(RELEASE_SCRIPT)

/** Server replies that mean "cannot serve now" rather than "your command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|BUSY|MASTERDOWN|CLUSTERDOWN|OOM|MISCONF|TRYAGAIN|NOREPLICAS)\b/

function isReplyError (err: unknown): err is Error {
  return err instanceof Error && err.name === 'ReplyError'
}

/** Anything but a real reply from the server (refused, closed, timed out, offline) means Redis is unavailable. */
function toStoreError (err: unknown): unknown {
  if (isReplyError(err) && !UNAVAILABLE_REPLIES.test(err.message)) return err
  const message = err instanceof Error ? err.message : String(err)
  return new StoreUnavailableError(`Redis unavailable: ${message}`, err)
}

function positiveMs (ms: number): number {
  return Math.max(1, Math.ceil(ms))
}

function escapeGlob (text: string): string {
  return text.replace(/[*?[\]\\]/g, ch => `\\${ch}`)
}

/**
 * StateStore over Redis, for several gateway instances behind a load balancer. Built to fail fast rather than
 * queue: no offline queue, a short command timeout and no resend after a reconnect, so a request never waits on a
 * Redis that is down or stalled; failures surface as StoreUnavailableError (see ResilientStore). ioredis keeps
 * reconnecting in the background.
 */
export class RedisStore implements StateStore {
  readonly kind = 'redis' as const
  readonly client: Redis
  private readonly prefix: string

  constructor (opts: RedisStoreOptions = {}) {
    this.prefix = opts.keyPrefix ?? 'switchboard:'
    const maxDelay = opts.maxReconnectDelayMs ?? 2000
    const options: RedisOptions = {
      ...opts.redisOptions,
      enableOfflineQueue: false,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: opts.connectTimeoutMs ?? 2000,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      lazyConnect: false,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 8), maxDelay)
    }
    this.client = new Redis(opts.url ?? 'redis://127.0.0.1:6379', options)
    const onError = opts.onError ?? (() => {})
    // Without a listener ioredis prints every reconnect failure to stderr.
    this.client.on('error', (err: Error) => onError(err))
  }

  /** True when commands can be sent right now. */
  isReady (): boolean {
    return this.client.status === 'ready'
  }

  /** Waits for the first connection (at start-up), at most timeoutMs. */
  async ready (timeoutMs = 2000): Promise<void> {
    if (this.isReady()) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady)
        reject(new StoreUnavailableError(`Redis not ready after ${timeoutMs} ms`))
      }, timeoutMs)
      const onReady = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.client.once('ready', onReady)
    })
  }

  async ping (): Promise<void> {
    await this.run(async () => await this.client.ping())
  }

  private async run<T> (op: () => Promise<T>): Promise<T> {
    try {
      return await op()
    } catch (err) {
      throw toStoreError(err)
    }
  }

  private async eval (s: Script, key: string, args: Array<string | number>): Promise<unknown> {
    return await this.run(async () => {
      try {
        return await this.client.evalsha(s.sha, 1, this.prefix + key, ...args)
      } catch (err) {
        if (!isReplyError(err) || !err.message.startsWith('NOSCRIPT')) throw err
        return await this.client.eval(s.source, 1, this.prefix + key, ...args)
      }
    })
  }

  async get (key: string): Promise<string | undefined> {
    const value = await this.run(async () => await this.client.get(this.prefix + key))
    return value ?? undefined
  }

  async set (key: string, value: string, ttlMs?: number): Promise<void> {
    // A non-positive TTL means "already expired", as in the memory store; Redis would reject PX 0.
    if (ttlMs !== undefined && ttlMs <= 0) return await this.delete(key)
    await this.run(async () => ttlMs === undefined
      ? await this.client.set(this.prefix + key, value)
      : await this.client.set(this.prefix + key, value, 'PX', positiveMs(ttlMs)))
  }

  async delete (key: string): Promise<void> {
    await this.run(async () => await this.client.del(this.prefix + key))
  }

  /** `by` must be an integer (Redis INCRBY). */
  async increment (key: string, by = 1, ttlMs?: number): Promise<number> {
    if (!Number.isInteger(by)) throw new RangeError(`RedisStore.increment needs an integer, got ${by}`)
    const ttl = ttlMs === undefined ? '' : positiveMs(ttlMs)
    return Number(await this.eval(INCREMENT, key, [by, ttl]))
  }

  async tryLock (key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const token = randomUUID()
    const taken = await this.run(async () => await this.client.set(this.prefix + key, token, 'PX', positiveMs(ttlMs), 'NX'))
    if (taken !== 'OK') return undefined
    return async () => { await this.eval(RELEASE, key, [token]) }
  }

  /** SCAN, never KEYS: a big keyspace must not block Redis. Keys come back without this store's prefix. */
  async keys (prefix: string): Promise<string[]> {
    const pattern = `${escapeGlob(this.prefix + prefix)}*`
    const found = new Set<string>()
    let cursor = '0'
    do {
      const [next, batch] = await this.run(async () => await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 250))
      cursor = next
      for (const key of batch) found.add(key.slice(this.prefix.length))
    } while (cursor !== '0')
    return [...found]
  }

  async close (): Promise<void> {
    if (this.client.status === 'end') return
    if (this.client.status !== 'ready') {
      this.client.disconnect()
      return
    }
    try {
      await this.client.quit()
    } catch {
      this.client.disconnect()
    }
  }
}
