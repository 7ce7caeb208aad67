import t from 'tap'
import { MemoryStore } from '../../plugins/memory-store.js'
import { RedisStore } from '../../plugins/redis-store.js'
import { ConcurrencyTracker, type Lease } from '../../plugins/pool/concurrency.js'
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis-server.js'

function clock (start = 1_700_000_000_000): { now: () => number, advance: (ms: number) => void } {
  let time = start
  return { now: () => time, advance: ms => { time += ms } }
}

t.test('slots up to the limit, freed by release', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const slots = new ConcurrencyTracker(store)
  const first = await slots.tryAcquire('claude-kiro-oauth/Kiro 1', 2)
  const second = await slots.tryAcquire('claude-kiro-oauth/Kiro 1', 2)
  t.ok(first !== undefined && second !== undefined)
  t.equal(await slots.tryAcquire('claude-kiro-oauth/Kiro 1', 2), undefined, 'refused at the limit')
  t.equal(await slots.inFlight('claude-kiro-oauth/Kiro 1'), 2, 'a refused attempt leaves no trace')
  await first?.release()
  await first?.release()
  t.equal(await slots.inFlight('claude-kiro-oauth/Kiro 1'), 1, 'release is idempotent')
  t.ok(await slots.tryAcquire('claude-kiro-oauth/Kiro 1', 2), 'a freed slot can be taken')
  const unlimited = await Promise.all([1, 2, 3].map(async () => await slots.tryAcquire('other')))
  t.equal(unlimited.filter(l => l !== undefined).length, 3, 'no limit: always granted')
  t.equal(await slots.inFlight('other'), 3, 'and still counted (least-busy)')
})

t.test('slots a crashed instance never released stop counting after slotTtlMs', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const time = clock()
  const slots = new ConcurrencyTracker(store, { slotTtlMs: 10_000, bucketMs: 2_000, now: time.now })
  await slots.tryAcquire('m', 2)
  await slots.tryAcquire('m', 2)
  t.equal(await slots.tryAcquire('m', 2), undefined)
  time.advance(5_000)
  const live = await slots.tryAcquire('m', 3)
  t.ok(live, 'a third slot under a higher limit')
  t.equal(await slots.inFlight('m'), 3)
  time.advance(7_000)
  t.equal(await slots.inFlight('m'), 1, 'the two leaked slots aged out; the newer one still counts')
  time.advance(10_000)
  await live?.release()
  t.equal(await slots.inFlight('m'), 0, 'a release after the TTL does not go negative')
})

t.test('concurrent acquires never exceed the limit', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const slots = new ConcurrencyTracker(store)
  const leases = await Promise.all(Array.from({ length: 20 }, async () => await slots.tryAcquire('m', 5)))
  const granted = leases.filter((l): l is Lease => l !== undefined)
  t.ok(granted.length >= 1 && granted.length <= 5, `${granted.length} granted`)
  await Promise.all(granted.map(async l => { await l.release() }))
  t.equal(await slots.inFlight('m'), 0)
})

t.test('two instances share the counters through Redis', async t => {
  const prefix = uniquePrefix('concurrency')
  const a = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  const b = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await Promise.all([a.close(), b.close()])
  })
  await Promise.all([a.ready(), b.ready()])
  const one = new ConcurrencyTracker(a)
  const two = new ConcurrencyTracker(b)
  const lease = await one.tryAcquire('openai-custom/a', 1)
  t.ok(lease)
  t.equal(await two.tryAcquire('openai-custom/a', 1), undefined, 'the slot held by the other instance counts')
  t.equal(await two.inFlight('openai-custom/a'), 1)
  await lease?.release()
  const next = await two.tryAcquire('openai-custom/a', 1)
  t.ok(next, 'free again once released there')
  await next?.release()
  t.equal(await one.inFlight('openai-custom/a'), 0)
})
