import t from 'tap'
import { MemoryStore } from '../../plugins/memory-store.js'
import { RedisStore } from '../../plugins/redis-store.js'
import type { StateStore } from '../../plugins/state-store.js'
import { ConcurrencyTracker } from '../../plugins/pool/concurrency.js'
import { HealthTracker } from '../../plugins/pool/health.js'
import { fromA2ProviderPools, memberId, type PoolMember } from '../../plugins/pool/pool-config.js'
import { interleavedPick, isModelAllowed, selectMember, type SelectableMember, type SelectionState } from '../../plugins/pool/selector.js'
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from '../helpers/redis-server.js'

interface Member extends SelectableMember { name: string }

function member (name: string, extra: Partial<Omit<Member, 'id' | 'name'>> = {}): Member {
  return { id: memberId('openai-custom', name), name, weight: 1, enabled: true, ...extra }
}

function stateOver (store: StateStore, poolKey = 'openai-custom'): SelectionState {
  return { store, health: new HealthTracker(store), concurrency: new ConcurrencyTracker(store), poolKey }
}

async function memoryState (t: { teardown: (fn: () => Promise<void>) => void }): Promise<SelectionState> {
  const store = new MemoryStore()
  t.teardown(async () => { await store.close() })
  return stateOver(store)
}

async function firstPicks (members: Member[], state: SelectionState, n: number): Promise<string[]> {
  const picks: string[] = []
  for (let i = 0; i < n; i++) picks.push((await selectMember(members, 'gpt-4o', undefined, state)).candidates[0]?.name ?? '-')
  return picks
}

t.test('interleavedPick spreads a weighted cycle', async t => {
  const sequence = (weights: number[]): number[] => {
    const total = weights.reduce((a, b) => a + b, 0)
    return Array.from({ length: total }, (_, p) => interleavedPick(weights, p))
  }
  t.same(sequence([3, 1]), [0, 1, 0, 0])
  t.same(sequence([1, 1, 1]), [0, 1, 2])
  t.same(sequence([2, 3, 1]), [0, 1, 2, 0, 1, 1])
  t.same(sequence([5, 3, 2]), [0, 1, 2, 0, 1, 2, 0, 1, 0, 0])
})

t.test('weighted round-robin follows the weights exactly over a cycle', async t => {
  const state = await memoryState(t)
  const members = [member('a', { weight: 5 }), member('b', { weight: 3 }), member('c', { weight: 2 })]
  const picks = await firstPicks(members, state, 1000)
  const count = (name: string): number => picks.filter(p => p === name).length
  t.same([count('a'), count('b'), count('c')], [500, 300, 200])
  for (let start = 0; start + 10 <= picks.length; start += 10) {
    const window = picks.slice(start, start + 10)
    if (window.filter(p => p === 'a').length !== 5 || window.filter(p => p === 'c').length !== 2) {
      t.fail(`cycle at ${start} is uneven: ${window.join('')}`)
      break
    }
  }
  const selection = await selectMember(members, 'gpt-4o', 'weighted-round-robin', state)
  t.equal(selection.candidates.length, 3, 'every eligible member is a failover candidate')
  t.same(new Set(selection.candidates.map(m => m.name)), new Set(['a', 'b', 'c']))
})

t.test('the cursor is shared: two instances on Redis make one rotation', async t => {
  const prefix = uniquePrefix('selector')
  const a = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  const b = new RedisStore({ url: SHARED_REDIS_URL, keyPrefix: prefix })
  t.teardown(async () => {
    await deleteKeys(SHARED_REDIS_URL, prefix)
    await Promise.all([a.close(), b.close()])
  })
  await Promise.all([a.ready(), b.ready()])
  const one = stateOver(a)
  const two = stateOver(b)
  const members = [member('a', { weight: 2 }), member('b'), member('c')]
  const picks: string[] = []
  for (let i = 0; i < 8; i++) {
    const selection = await selectMember(members, 'gpt-4o', 'weighted-round-robin', i % 2 === 0 ? one : two)
    picks.push(selection.candidates[0]?.name ?? '-')
  }
  t.same(picks, ['a', 'b', 'c', 'a', 'a', 'b', 'c', 'a'], 'alternating instances continue one sequence')
})

t.test('skips disabled, model-denied, cooling and busy members, and says why', async t => {
  const state = await memoryState(t)
  const members = [
    member('off', { enabled: false }),
    member('no-4o', { deniedModels: ['gpt-4o*'] }),
    member('only-o3', { models: ['o3', 'o4-mini'] }),
    member('cooling'),
    member('busy', { concurrencyLimit: 1 }),
    member('ok')
  ]
  await state.health.recordFailure(memberId('openai-custom', 'cooling'), 'gpt-4o-2024-08-06', { kind: 'rate_limit', status: 429, retryAfter: 30 })
  const lease = await state.concurrency.tryAcquire(memberId('openai-custom', 'busy'), 1)
  const selection = await selectMember(members, 'gpt-4o-2024-08-06', 'weighted-round-robin', state)
  t.same(selection.candidates.map(m => m.name), ['ok'])
  t.same(selection.skipped.map(s => [s.member.name, s.reason]), [
    ['off', 'disabled'], ['no-4o', 'model'], ['only-o3', 'model'], ['cooling', 'cooldown'], ['busy', 'busy']
  ])
  const until = selection.skipped.find(s => s.reason === 'cooldown')?.until ?? 0
  t.ok(until > Date.now() + 25_000, 'the cooldown end is reported for a Retry-After')
  await lease?.release()
  t.same((await selectMember(members, 'o3', 'fill-first', state)).candidates.map(m => m.name), ['no-4o', 'only-o3', 'cooling', 'busy', 'ok'],
    'another model: the 429 cooled only gpt-4o-2024-08-06, and the released slot is free again')
})

t.test('nothing eligible: no candidates, every skip reported', async t => {
  const state = await memoryState(t)
  const members = [member('a'), member('b')]
  for (const m of members) await state.health.recordFailure(m.id, 'gpt-4o', { kind: 'authentication', status: 401 })
  const selection = await selectMember(members, 'gpt-4o', undefined, state)
  t.same(selection.candidates, [])
  t.same(selection.skipped.map(s => s.reason), ['cooldown', 'cooldown'])
})

t.test('fill-first uses the first available member in config order', async t => {
  const state = await memoryState(t)
  const members = [member('primary'), member('secondary'), member('tertiary')]
  t.same((await selectMember(members, 'gpt-4o', 'fill-first', state)).candidates.map(m => m.name), ['primary', 'secondary', 'tertiary'])
  await state.health.recordFailure(members[0]?.id ?? '', 'gpt-4o', { kind: 'rate_limit', status: 429 })
  t.same((await selectMember(members, 'gpt-4o', 'fill-first', state)).candidates.map(m => m.name), ['secondary', 'tertiary'])
})

t.test('least-busy prefers the lowest load relative to weight', async t => {
  const state = { ...await memoryState(t), random: () => 0.5 }
  const members = [member('a'), member('b', { weight: 4 }), member('c')]
  for (let i = 0; i < 3; i++) await state.concurrency.tryAcquire(members[0]?.id ?? '')
  for (let i = 0; i < 4; i++) await state.concurrency.tryAcquire(members[1]?.id ?? '')
  await state.concurrency.tryAcquire(members[2]?.id ?? '')
  t.same((await selectMember(members, 'gpt-4o', 'least-busy', state)).candidates.map(m => m.name), ['b', 'c', 'a'],
    'b: 4 in flight / weight 4 = 1, c: 1, a: 3; ties broken by the random draw')
  const ties = [member('x'), member('y')]
  const draws = [0.9, 0.1]
  const tieState = { ...state, random: () => draws.shift() ?? 0 }
  t.same((await selectMember(ties, 'gpt-4o', 'least-busy', tieState)).candidates.map(m => m.name), ['y', 'x'])
})

t.test('model lists: exact names and trailing wildcards', async t => {
  t.equal(isModelAllowed(member('a', { models: ['claude-sonnet-4*'] }), 'claude-sonnet-4-5'), true)
  t.equal(isModelAllowed(member('a', { models: ['claude-sonnet-4*'] }), 'claude-opus-4-1'), false)
  t.equal(isModelAllowed(member('a', { models: [] }), 'anything'), true, 'an empty allow list allows all')
  t.equal(isModelAllowed(member('a', { models: ['gpt-4o'], deniedModels: ['gpt-4o'] }), 'gpt-4o'), false, 'deny wins')
  t.equal(isModelAllowed(member('a', { deniedModels: ['gpt-4-turbo'] }), 'gpt-4-turbo-preview'), true, 'no wildcard: exact only')
})

t.test('members from an A2 pool file select as they are', async t => {
  const state = await memoryState(t)
  const pools = fromA2ProviderPools({
    'openai-custom': [
      { customName: 'k1', OPENAI_API_KEY: 'sk-1', notSupportedModels: ['gpt-4-turbo'] },
      { customName: 'k2', OPENAI_API_KEY: 'sk-2', isDisabled: true },
      { customName: 'k3', OPENAI_API_KEY: 'sk-3' }
    ]
  })
  const members = (pools['openai-custom']?.members ?? []).map((m: PoolMember) => ({ ...m, id: memberId('openai-custom', m.name) }))
  const selection = await selectMember(members, 'gpt-4-turbo', undefined, state)
  t.same(selection.candidates.map(m => m.options.OPENAI_API_KEY), ['sk-3'])
})
