import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { Redis } from 'ioredis'
import { RedisStore } from '../../plugins/redis-store.js'
import { ResilientStore, type StoreLogger } from '../../plugins/resilient-store.js'
import { PrivateRedis, SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis-server.js'

interface LogLine { level: 'warn' | 'info', obj: Record<string, unknown>, msg: string }

function captureLog (): StoreLogger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  return {
    lines,
    warn: (obj, msg) => { lines.push({ level: 'warn', obj, msg }) },
    info: (obj, msg) => { lines.push({ level: 'info', obj, msg }) }
  }
}

async function waitFor (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(25)
  }
  throw new Error(`timed out waiting for ${what}`)
}

function resilient (url: string, prefix: string, log: StoreLogger): { store: ResilientStore, redis: RedisStore } {
  const redis = new RedisStore({ url, keyPrefix: prefix, commandTimeoutMs: 1000, maxReconnectDelayMs: 100 })
  return { store: new ResilientStore({ primary: redis, log, probeIntervalMs: 50 }), redis }
}

t.test('a pino logger fits StoreLogger', async t => {
  const log: StoreLogger = pino({ level: 'silent' })
  t.type(log.warn, 'function')
})

t.test('falls back at once when Redis is unreachable and logs it once', async t => {
  const log = captureLog()
  const { store } = resilient('redis://127.0.0.1:1', uniquePrefix('closed'), log)
  t.teardown(async () => { await store.close() })
  for (let i = 0; i < 20; i++) t.equal(await store.increment('pool:rr:x'), i + 1)
  t.equal(store.degraded, true, 'answered by the local store')
  await store.set('k', 'v', 1000)
  t.equal(await store.get('k'), 'v')
  const release = await store.tryLock('lock:a', 1000)
  t.type(release, 'function')
  t.equal(await store.tryLock('lock:a', 1000), undefined, 'local locks still exclude')
  await release?.()
  t.same(await store.keys('pool:'), ['pool:rr:x'])
  t.equal(store.kind, 'memory')
  t.equal(store.degraded, true)
  t.equal(log.lines.length, 1, 'one log line for the transition')
  t.equal(log.lines[0]?.level, 'warn')
  t.match(log.lines[0]?.msg, /local in-memory state/)
})

t.test('shares state while Redis is healthy', async t => {
  const prefix = uniquePrefix('healthy')
  const log = captureLog()
  const a = resilient(SHARED_REDIS_URL, prefix, log)
  const b = resilient(SHARED_REDIS_URL, prefix, log)
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await Promise.all([a.store.close(), b.store.close()])
  })
  await Promise.all([a.redis.ready(), b.redis.ready()])
  const release = await a.store.tryLock('lock:oauth', 5000)
  t.type(release, 'function')
  t.equal(await b.store.tryLock('lock:oauth', 5000), undefined, 'refused to the other instance')
  await release?.()
  t.equal(await a.store.increment('c'), 1)
  t.equal(await b.store.increment('c'), 2)
  t.equal(a.store.kind, 'redis')
  t.equal(log.lines.length, 0)
})

t.test('a bad command is rethrown, not treated as an outage', async t => {
  const prefix = uniquePrefix('badcmd')
  const log = captureLog()
  const { store, redis } = resilient(SHARED_REDIS_URL, prefix, log)
  const raw = new Redis(SHARED_REDIS_URL)
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await store.close()
    raw.disconnect()
  })
  await redis.ready()
  await raw.lpush(`${prefix}list`, 'x')
  await t.rejects(store.increment('list'), /WRONGTYPE/)
  t.equal(store.degraded, false)
  t.equal(log.lines.length, 0)
})

t.test('Redis killed mid-way: falls back, then switches back when it restarts', async t => {
  const server = await PrivateRedis.start()
  const log = captureLog()
  const { store, redis } = resilient(server.url, 'swb:', log)
  t.teardown(async () => {
    await store.close()
    await server.stop()
  })
  await redis.ready()
  await store.set('shared', 'before', 60_000)
  t.equal(await store.increment('n'), 1)

  await server.stop()
  await waitFor('the disconnect to be noticed', () => !redis.isReady())
  t.equal(await store.increment('n'), 1, 'a fresh local counter: shared state is not visible in fallback')
  t.equal(await store.get('shared'), undefined)
  await store.set('local-only', 'x')
  t.equal(store.degraded, true)

  await server.restart()
  await waitFor('the switch back', () => !store.degraded)
  t.equal(store.kind, 'redis')
  t.equal(await store.get('local-only'), undefined, 'local state is not copied back')
  t.equal(await store.increment('n'), 1, 'the restarted (empty) Redis is used again')
  t.same(log.lines.map(l => l.level), ['warn', 'info'], 'each transition logged once')
})

t.test('Redis frozen mid-way (no answers): commands time out, fallback, recovery', async t => {
  const server = await PrivateRedis.start()
  const log = captureLog()
  const { store, redis } = resilient(server.url, 'swb:', log)
  t.teardown(async () => {
    server.resume()
    await store.close()
    await server.stop()
  })
  await redis.ready()
  await store.set('shared', 'kept', 60_000)

  server.pause()
  t.equal(await store.get('shared'), undefined, 'answered from the local store once the command timed out')
  t.equal(store.degraded, true, 'later calls go to the local store, not to the frozen Redis')
  await store.set('x', 'y')
  t.equal(await store.get('x'), 'y')

  server.resume()
  await waitFor('the switch back', () => !store.degraded)
  t.equal(await store.get('shared'), 'kept', 'shared state is back')
  t.same(log.lines.map(l => l.level), ['warn', 'info'])
})

t.test('CLIENT PAUSE: a paused Redis is an outage until the pause ends', async t => {
  const server = await PrivateRedis.start()
  const log = captureLog()
  const { store, redis } = resilient(server.url, 'swb:', log)
  const admin = new Redis(server.url)
  t.teardown(async () => {
    admin.disconnect()
    await store.close()
    await server.stop()
  })
  await redis.ready()
  t.equal(await store.increment('n'), 1)
  await admin.call('CLIENT', 'PAUSE', '3000', 'ALL')
  t.equal(await store.increment('n'), 1, 'local counter while paused')
  t.equal(store.degraded, true)
  await waitFor('the switch back', () => !store.degraded)
  // The INCR that timed out had reached Redis and ran when the pause ended: a timed-out write may still apply.
  t.equal(await store.increment('n'), 3, 'the shared counter continues, including the timed-out increment')
  t.same(log.lines.map(l => l.level), ['warn', 'info'])
})
