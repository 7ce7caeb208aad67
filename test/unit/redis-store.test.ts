import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { RedisStore } from '../../plugins/redis-store.js'
import { isStoreUnavailable } from '../../plugins/store-errors.js'
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis-server.js'

interface Teardown { teardown: (fn: () => Promise<void>) => void }

async function setup (t: Teardown, label: string): Promise<{ a: RedisStore, b: RedisStore, raw: Redis, prefix: string }> {
  const prefix = uniquePrefix(label)
  // A generous command timeout: these tests check behaviour, and a loaded CI machine must not turn them into outages.
  const a = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 10_000 })
  const b = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 10_000 })
  const raw = new Redis(SHARED_REDIS_URL)
  await Promise.all([a.ready(), b.ready()])
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await Promise.all([a.close(), b.close()])
    raw.disconnect()
  })
  return { a, b, raw, prefix }
}

t.test('get, set, delete and key prefixing', async t => {
  const { a, b, raw, prefix } = await setup(t, 'basic')
  t.equal(await a.get('k'), undefined)
  await a.set('k', 'v1')
  t.equal(await b.get('k'), 'v1', 'a second instance sees the value')
  t.equal(await raw.get(`${prefix}k`), 'v1', 'stored under the prefix')
  t.equal(await raw.pttl(`${prefix}k`), -1, 'no TTL when none given')
  await b.delete('k')
  t.equal(await a.get('k'), undefined)
})

t.test('set with a TTL uses PX and expires', async t => {
  const { a, raw, prefix } = await setup(t, 'ttl')
  await a.set('short', 'x', 80)
  const pttl = await raw.pttl(`${prefix}short`)
  t.ok(pttl > 0 && pttl <= 80, `pttl ${pttl}`)
  await sleep(120)
  t.equal(await a.get('short'), undefined, 'gone after the TTL')
  await a.set('zero', 'x', 0)
  t.equal(await raw.exists(`${prefix}zero`), 0, 'a non-positive TTL stores nothing')
})

t.test('increment sets the TTL only when it creates the key', async t => {
  const { a, b, raw, prefix } = await setup(t, 'incr')
  t.equal(await a.increment('n', 1, 1000), 1)
  await sleep(60)
  t.equal(await b.increment('n', 2, 1000), 3, 'shared counter')
  const pttl = await raw.pttl(`${prefix}n`)
  t.ok(pttl > 0 && pttl <= 945, `TTL not renewed by the second increment (pttl ${pttl})`)
  t.equal(await a.increment('plain'), 1)
  t.equal(await raw.pttl(`${prefix}plain`), -1, 'no TTL when none given')
  t.equal(await a.increment('window', 1, 60), 1)
  await sleep(100)
  t.equal(await a.increment('window', 1, 60), 1, 'a new window starts after expiry')
  t.equal(await a.increment('neg', -3), -3)
  await t.rejects(a.increment('n', 0.5), RangeError)
})

t.test('the round-robin cursor is shared by two instances', async t => {
  const { a, b } = await setup(t, 'cursor')
  const seen: number[] = []
  for (let i = 0; i < 3; i++) {
    seen.push(await a.increment('pool:rr:openai-custom'))
    seen.push(await b.increment('pool:rr:openai-custom'))
  }
  t.same(seen, [1, 2, 3, 4, 5, 6])
})

t.test('a lock held by one instance is refused to the other', async t => {
  const { a, b } = await setup(t, 'lock')
  const release = await a.tryLock('lock:oauth:kiro/1', 5000)
  t.type(release, 'function')
  t.equal(await b.tryLock('lock:oauth:kiro/1', 5000), undefined, 'refused while held')
  t.equal(await a.tryLock('lock:oauth:kiro/1', 5000), undefined, 'not re-entrant either')
  await release?.()
  const releaseB = await b.tryLock('lock:oauth:kiro/1', 5000)
  t.type(releaseB, 'function', 'free after release')
  await releaseB?.()
})

t.test('releasing an expired lock does not free the next holder', async t => {
  const { a, b, raw, prefix } = await setup(t, 'lock-expiry')
  const releaseA = await a.tryLock('lock:x', 50)
  await sleep(90)
  const releaseB = await b.tryLock('lock:x', 5000)
  t.type(releaseB, 'function', 'expired lock can be taken')
  await releaseA?.()
  t.equal(await raw.exists(`${prefix}lock:x`), 1, "a stale release leaves b's lock in place")
  t.equal(await a.tryLock('lock:x', 5000), undefined)
  await releaseB?.()
  t.equal(await raw.exists(`${prefix}lock:x`), 0)
})

t.test('keys scans with the prefix, escapes glob characters and strips the store prefix', async t => {
  const { a, b } = await setup(t, 'scan')
  const writes: Array<Promise<void>> = []
  for (let i = 0; i < 600; i++) writes.push(a.set(`pool:cd:m${i}|`, 'x', 60_000))
  writes.push(a.set('a*b:1', 'x'), a.set('axb:1', 'x'), a.set('other:1', 'x'))
  await Promise.all(writes)
  const keys = await b.keys('pool:cd:')
  t.equal(keys.length, 600, 'several SCAN rounds, no duplicates')
  t.ok(keys.includes('pool:cd:m599|'))
  t.same(await a.keys('a*b:'), ['a*b:1'], 'glob characters in the prefix are literal')
  const foreign = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: uniquePrefix('foreign') })
  t.teardown(async () => { await foreign.close() })
  await foreign.ready()
  t.same(await foreign.keys('pool:'), [], 'another prefix sees nothing')
})

t.test('a command error from the server is not an outage', async t => {
  const { a, raw, prefix } = await setup(t, 'wrongtype')
  await raw.lpush(`${prefix}list`, 'x')
  const err = await a.increment('list').then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof Error && /WRONGTYPE/.test(err.message), 'the reply error comes through')
  t.notOk(isStoreUnavailable(err))
})

t.test('fails fast when Redis is unreachable', async t => {
  const store = new RedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: uniquePrefix('down') })
  t.teardown(async () => { await store.close() })
  const err = await store.get('k').then(() => undefined, (e: unknown) => e)
  t.ok(isStoreUnavailable(err), 'StoreUnavailableError')
  t.notMatch(String((err as Error).message), /timed out/i, 'refused at once (no offline queue), not after the command timeout')
  await t.rejects(store.tryLock('l', 100), { name: 'StoreUnavailableError' })
  await t.rejects(store.ready(100), { name: 'StoreUnavailableError' })
  t.equal(store.isReady(), false)
})
