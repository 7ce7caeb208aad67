import t from 'tap'
import { exhaustedError, type FailedAttempt } from '../../plugins/attempts.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import type { RoutePlan, SkippedTarget } from '../../plugins/router.js'

const NOW = 1_000_000
const plan = (skipped: SkippedTarget[] = []): RoutePlan => ({ targets: [], skipped })
const failed = (id: string, status: number, retryAfter?: string, message = `HTTP ${status} from ${id}`): FailedAttempt => ({
  id,
  model: 'gpt-4o',
  error: upstreamHttpError(status, retryAfter === undefined ? {} : { 'retry-after': retryAfter }, '{}', 'openai', { message })
})

t.test('one member answered: its answer, even after retries and with others skipped', async t => {
  const first = failed('a', 500)
  const second = failed('a', 503)
  t.equal(exhaustedError(plan([{ id: 'b', model: 'gpt-4o', reason: 'busy' }]), [first, second], NOW), second.error)
})

t.test('every member answered the same: the upstream answer with the soonest Retry-After', async t => {
  const a = failed('a', 429, '120')
  const b = failed('b', 429, '90')
  const c = failed('c', 429)
  t.equal(exhaustedError(plan(), [a, b, c], NOW), b.error)
  const x = failed('x', 404)
  const y = failed('y', 404)
  t.equal(exhaustedError(plan(), [x, y], NOW), y.error, 'no hints: the last answer')
})

t.test('members answered differently: a 503 naming each, counted as all_failed', async t => {
  const err = exhaustedError(plan([{ id: 'c', model: 'gpt-4o', reason: 'cooldown', until: NOW + 42_000 }]), [failed('a', 401), failed('b', 429, '5')], NOW)
  t.match(err, { status: 503, kind: 'unavailable', refusal: 'all_failed', retryAfter: 5 })
  t.equal(err.shouldRetry, undefined, 'the SDK may retry after 5 s')
  t.equal(err.message, 'No provider credential could serve the request: a (gpt-4o): 401 HTTP 401 from a; b (gpt-4o): 429 HTTP 429 from b; c cooling down for gpt-4o, back in 42 s')
  const far = exhaustedError(plan(), [failed('a', 401), failed('b', 500)], NOW)
  t.equal(far.shouldRetry, false, 'no known return: x-should-retry false')
})

t.test('nothing tried: the operator\'s limits', async t => {
  t.match(exhaustedError(plan([{ id: 'a', model: 'm', reason: 'busy' }, { id: 'b', model: 'm', reason: 'model' }]), [], NOW),
    { status: 429, code: 'concurrency_limit', refusal: 'concurrency_limit', retryAfter: 1 })
  t.match(exhaustedError(plan([{ id: 'a', model: 'm', reason: 'disabled' }, { id: 'b', model: 'm', reason: 'model' }]), [], NOW),
    { status: 404, code: 'model_not_found', refusal: 'no_member_for_model', message: /a disabled; b does not serve m/ })
  t.match(exhaustedError(plan(), [], NOW), { status: 503, refusal: 'no_provider' })
})
