import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { MemoryStore } from '../../plugins/memory-store.js'
import { RedisStore } from '../../plugins/redis-store.js'
import { HEALTH_DEFAULTS, HealthTracker, planCooldown, type FailureInfo } from '../../plugins/pool/health.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis-server.js'

const rateLimited = (retryAfter?: number): FailureInfo => ({ kind: 'rate_limit', status: 429, ...(retryAfter === undefined ? {} : { retryAfter }) })
const serverError: FailureInfo = { kind: 'upstream_error', status: 500 }
const unauthorized: FailureInfo = { kind: 'authentication', status: 401 }

t.test('planCooldown: what each failure costs', async t => {
  const c = HEALTH_DEFAULTS
  t.equal(c.scope, 'model', 'OpenAI, Anthropic and Gemini limit per model: so does the default')
  t.same(planCooldown(rateLimited(30), c), { reason: 'rate_limit', ms: 30_000, wholeMember: false }, '429 honours Retry-After')
  t.same(planCooldown(rateLimited(7200), c), { reason: 'rate_limit', ms: 600_000, wholeMember: false }, 'capped by maxCooldownMs')
  t.same(planCooldown(rateLimited(), c), { reason: 'rate_limit', ms: 10_000, wholeMember: false }, 'short default without a hint')
  t.same(planCooldown(rateLimited(30), { ...c, scope: 'member' }), { reason: 'rate_limit', ms: 30_000, wholeMember: true }, 'member scope')
  t.same(planCooldown(unauthorized, c), { reason: 'credential', ms: 300_000, wholeMember: true })
  t.same(planCooldown({ kind: 'permission', status: 403 }, c, 'gpt-4o'), { reason: 'credential', ms: 300_000, wholeMember: true },
    'a credential failure that does not name the model cools the whole member')
  t.same(planCooldown({ kind: 'authentication', status: 400 }, c), { reason: 'credential', ms: 300_000, wholeMember: true },
    "decided by kind: Gemini's 400 for a bad key counts")
  t.same(planCooldown({ kind: 'billing', status: 402, retryAfter: 60 }, c), { reason: 'credential', ms: 60_000, wholeMember: true })
  t.equal(planCooldown(serverError, c), 'count')
  t.equal(planCooldown({ kind: 'timeout', status: 504 }, c), 'count')
  t.equal(planCooldown({ kind: 'bad_gateway', status: 502 }, c), 'count')
  t.same(planCooldown({ kind: 'unavailable', status: 503, retryAfter: 20 }, c), { reason: 'retry_after', ms: 20_000, wholeMember: false })
  for (const failure of [{ kind: 'invalid_request', status: 400 }, { kind: 'not_found', status: 404 }, { kind: 'request_too_large', status: 413 }, { kind: 'internal', status: 500 }] as const) {
    t.equal(planCooldown(failure, c, 'gpt-4o'), undefined, `${failure.status} ${failure.kind} never counts`)
  }
  const fromUpstream = upstreamHttpError(429, { 'retry-after': '12' }, '{}', 'openai')
  t.same(planCooldown(fromUpstream, c), { reason: 'rate_limit', ms: 12_000, wholeMember: false }, 'a GatewayError fits as it is')
})

t.test('a 401/403/404 that names the model cools only that model, whatever the scope', async t => {
  const noAccess = upstreamHttpError(403, {}, '{"error":{"message":"Project proj_abc does not have access to model gpt-5-pro","type":"invalid_request_error","code":"model_not_found"}}', 'openai')
  const missing = upstreamHttpError(404, {}, '{"error":{"code":404,"message":"models/gemini-9-pro is not found for API version v1beta","status":"NOT_FOUND"}}', 'gemini')
  const coded: FailureInfo = { kind: 'not_found', status: 404, code: 'model_not_found' }
  for (const scope of ['model', 'member'] as const) {
    const c = { ...HEALTH_DEFAULTS, scope }
    t.same(planCooldown(noAccess, c, 'gpt-5-pro'), { reason: 'model_access', ms: 300_000, wholeMember: false }, `403 naming the model (${scope} scope)`)
    t.same(planCooldown(missing, c, 'gemini-9-pro'), { reason: 'model_access', ms: 300_000, wholeMember: false }, `404 naming the model (${scope} scope)`)
    t.same(planCooldown(coded, c, 'x'), { reason: 'model_access', ms: 300_000, wholeMember: false }, `code model_not_found (${scope} scope)`)
  }
  t.equal(planCooldown(upstreamHttpError(404, {}, '<html>Not Found</html>', undefined), HEALTH_DEFAULTS, 'gpt-4o'), undefined, 'a 404 page (wrong base URL) is not about the model')
  t.same(planCooldown(upstreamHttpError(401, {}, '{"error":{"message":"Incorrect API key provided"}}', 'openai'), HEALTH_DEFAULTS, 'gpt-4o'),
    { reason: 'credential', ms: 300_000, wholeMember: true }, 'an invalid key cools the member')

  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { scope: 'member' })
  t.match(await health.recordFailure('openai-custom/a', 'gpt-5-pro', noAccess), { model: 'gpt-5-pro', reason: 'model_access', status: 403 })
  t.equal(await health.isAvailable('openai-custom/a', 'gpt-5-pro'), false)
  t.equal(await health.isAvailable('openai-custom/a', 'gpt-4o'), true, 'the key still serves its other models')
})

t.test('a rate-limit cooldown ends by itself', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { scope: 'member', rateLimitCooldownMs: 120 })
  const cooldown = await health.recordFailure('openai-custom/a', 'gpt-4o', rateLimited())
  t.match(cooldown, { member: 'openai-custom/a', reason: 'rate_limit', kind: 'rate_limit', status: 429 })
  t.equal(cooldown?.model, undefined, 'member scope')
  t.equal(await health.isAvailable('openai-custom/a', 'gpt-4o'), false)
  t.equal(await health.isAvailable('openai-custom/a', 'gpt-4o-mini'), false)
  t.equal(await health.isAvailable('openai-custom/b', 'gpt-4o'), true)
  t.same((await health.list()).map(c => c.member), ['openai-custom/a'])
  await sleep(170)
  t.equal(await health.isAvailable('openai-custom/a', 'gpt-4o'), true)
  t.same(await health.list(), [])
})

t.test('5xx and network failures cool down after N within the window', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { failureThreshold: 3, failureWindowMs: 150, failureCooldownMs: 5000 })
  t.equal(await health.recordFailure('m', 'x', serverError), undefined)
  t.equal(await health.recordFailure('m', 'x', { kind: 'timeout', status: 504 }), undefined)
  t.equal(await health.isAvailable('m', 'x'), true, 'two failures are not enough')
  await health.recordSuccess('m', 'x')
  t.equal(await health.recordFailure('m', 'x', serverError), undefined, 'a success ended the run')
  t.equal(await health.recordFailure('m', 'x', serverError), undefined)
  t.match(await health.recordFailure('m', 'x', { kind: 'bad_gateway', status: 502 }), { reason: 'failures', status: 502 })
  t.equal(await health.isAvailable('m', 'x'), false)

  t.equal(await health.recordFailure('n', 'x', serverError), undefined)
  t.equal(await health.recordFailure('n', 'x', serverError), undefined)
  await sleep(200)
  t.equal(await health.recordFailure('n', 'x', serverError), undefined, 'failures outside the window do not add up')
  t.equal(await health.isAvailable('n', 'x'), true)
})

t.test('400-class failures never count', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { failureThreshold: 1 })
  for (let i = 0; i < 5; i++) t.equal(await health.recordFailure('m', 'x', { kind: 'invalid_request', status: 400 }), undefined)
  t.equal(await health.isAvailable('m', 'x'), true)
  t.same(await store.keys(''), [], 'nothing stored')
})

t.test('model scope cools one model; credentials still cool the member', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { scope: 'model' })
  t.match(await health.recordFailure('gemini-cli-oauth/1', 'gemini-2.5-pro', rateLimited(60)), { model: 'gemini-2.5-pro' })
  t.equal(await health.isAvailable('gemini-cli-oauth/1', 'gemini-2.5-pro'), false)
  t.equal(await health.isAvailable('gemini-cli-oauth/1', 'gemini-2.5-flash'), true, 'another model is still served')
  await health.recordFailure('gemini-cli-oauth/1', 'gemini-2.5-flash', unauthorized)
  t.equal(await health.isAvailable('gemini-cli-oauth/1', 'gemini-2.5-flash'), false)
  t.match(await health.cooldownOf('gemini-cli-oauth/1', 'gemini-2.5-pro'), { reason: 'credential' }, 'the longer of both applies')
})

t.test('a shorter cooldown never cuts a longer one', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { scope: 'member' })
  const auth = await health.recordFailure('m', 'x', unauthorized)
  const later = await health.recordFailure('m', 'x', rateLimited(1))
  t.same(later, auth)
  t.match(await health.cooldownOf('m', 'x'), { reason: 'credential' })
})

t.test('reset lifts one member (not its prefix-namesakes) or all', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store, { scope: 'model' })
  await health.recordFailure('openai-custom/a', 'gpt-4o', rateLimited(60))
  await health.recordFailure('openai-custom/a', 'o3', rateLimited(60))
  await health.recordFailure('openai-custom/ab', 'gpt-4o', unauthorized)
  await health.recordFailure('openai-custom/a', 'gpt-4o', serverError)
  t.equal(await health.reset({ member: 'openai-custom/a' }), 2)
  t.same((await health.list()).map(c => c.member), ['openai-custom/ab'])
  t.same(await store.keys('pool:failures:'), [], 'failure runs cleared too')
  t.equal(await health.reset(), 1)
  t.same(await health.list(), [])
})

t.test('two instances on Redis see the same cooldowns, which expire by TTL', async t => {
  const prefix = uniquePrefix('health')
  const a = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  const b = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  const raw = new Redis(SHARED_REDIS_URL)
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await Promise.all([a.close(), b.close()])
    raw.disconnect()
  })
  await Promise.all([a.ready(), b.ready()])
  const one = new HealthTracker(a, { scope: 'member', rateLimitCooldownMs: 150, failureThreshold: 2 })
  const two = new HealthTracker(b, { scope: 'member', rateLimitCooldownMs: 150, failureThreshold: 2 })
  await one.recordFailure('claude-kiro-oauth/Kiro 1', 'claude-sonnet-4-5', rateLimited())
  t.equal(await two.isAvailable('claude-kiro-oauth/Kiro 1', 'claude-sonnet-4-5'), false, 'seen by the other instance')
  t.match(await two.list(), [{ member: 'claude-kiro-oauth/Kiro 1', reason: 'rate_limit' }])
  const pttl = await raw.pttl(`${prefix}pool:cooldown:${encodeURIComponent('claude-kiro-oauth/Kiro 1')}|`)
  t.ok(pttl > 0 && pttl <= 150, `the cooldown key carries its TTL (${pttl} ms)`)
  await sleep(200)
  t.equal(await two.isAvailable('claude-kiro-oauth/Kiro 1', 'claude-sonnet-4-5'), true, 'expired in Redis by itself')

  t.equal(await one.recordFailure('openai-custom/x', 'gpt-4o', serverError), undefined)
  t.match(await two.recordFailure('openai-custom/x', 'gpt-4o', serverError), { reason: 'failures' }, 'failure runs add up across instances')
  t.equal(await one.reset({ member: 'openai-custom/x' }), 1)
  t.equal(await two.isAvailable('openai-custom/x', 'gpt-4o'), true)
})

t.test('reset one model on every member, or one (member, model) pair; a served last resort lifts its cooldowns', async t => {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  const health = new HealthTracker(store)
  await health.recordFailure('openai-custom/a', 'gpt-4o', rateLimited(60))
  await health.recordFailure('openai-custom/b', 'gpt-4o', rateLimited(60))
  await health.recordFailure('openai-custom/a', 'o3', rateLimited(60))
  await health.recordFailure('openai-custom/b', 'gpt-4o-mini', rateLimited(60))
  t.equal(await health.reset({ model: 'gpt-4o' }), 2, 'gpt-4o on both members, not gpt-4o-mini')
  t.same((await health.list()).map(c => `${c.member} ${c.model ?? ''}`), ['openai-custom/a o3', 'openai-custom/b gpt-4o-mini'])
  t.equal(await health.reset({ member: 'openai-custom/a', model: 'gpt-4o-mini' }), 0, 'no such pair')
  t.equal(await health.reset({ member: 'openai-custom/b', model: 'gpt-4o-mini' }), 1)
  t.same((await health.list()).map(c => `${c.member} ${c.model ?? ''}`), ['openai-custom/a o3'])

  await health.recordFailure('openai-custom/a', 'o3', unauthorized)
  t.match(await health.cooldownOf('openai-custom/a', 'o3'), { reason: 'credential' })
  await health.lift('openai-custom/a', 'o3')
  t.equal(await health.isAvailable('openai-custom/a', 'o3'), true, 'member-wide and model cooldowns lifted')
  t.same(await health.list(), [])
})
