import type { StateStore } from '../state-store.js'
import type { ConcurrencyTracker } from './concurrency.js'
import type { Cooldown, HealthTracker } from './health.js'
import type { PoolStrategy } from './pool-config.js'

/** A pool member as the selector sees it; `id` is the state key (memberId(type, name)). */
export interface SelectableMember {
  readonly id: string
  readonly weight: number
  readonly enabled: boolean
  readonly models?: readonly string[]
  readonly deniedModels?: readonly string[]
  readonly concurrencyLimit?: number
}

export interface SelectionState {
  store: StateStore
  health: HealthTracker
  concurrency: ConcurrencyTracker
  /** Names the shared round-robin cursor: the provider type (one cursor per pool). */
  poolKey: string
  /** Breaks least-busy ties. Default Math.random. */
  random?: () => number
  prefix?: string
}

export type SkipReason = 'disabled' | 'model' | 'cooldown' | 'busy'

export interface Skipped<T> {
  member: T
  reason: SkipReason
  /** When a cooled-down member is back (epoch ms), for a Retry-After when nothing is left. */
  until?: number
}

export interface Selection<T> {
  /** Who to try, in order: the first is this request's pick, the rest its failover order. */
  candidates: T[]
  skipped: Array<Skipped<T>>
}

function matches (pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model
}

/** The member's allow list (absent or empty = every model) and deny list, exact or with a trailing '*'. */
export function isModelAllowed (member: SelectableMember, model: string): boolean {
  if (member.deniedModels?.some(p => matches(p, model)) === true) return false
  if (member.models === undefined || member.models.length === 0) return true
  return member.models.some(p => matches(p, model))
}

/**
 * Interleaved weighted round-robin: round r serves, in configured order, every member whose weight exceeds r, so
 * weights 3,1 give A B A A. Maps a position in [0, total weight) to a member index without building the sequence.
 */
export function interleavedPick (weights: readonly number[], position: number): number {
  const levels = [...new Set(weights)].sort((a, b) => a - b)
  let rest = position
  let floor = 0
  for (const level of levels) {
    const active: number[] = []
    weights.forEach((w, i) => { if (w >= level) active.push(i) })
    const span = (level - floor) * active.length
    if (rest < span) return active[rest % active.length] ?? 0
    rest -= span
    floor = level
  }
  return 0
}

function rotate<T> (items: readonly T[], start: number): T[] {
  return [...items.slice(start), ...items.slice(0, start)]
}

async function orderWeighted<T extends SelectableMember> (eligible: T[], state: SelectionState): Promise<T[]> {
  if (eligible.length < 2) return eligible
  const total = eligible.reduce((sum, m) => sum + m.weight, 0)
  const cursor = await state.store.increment(`${state.prefix ?? 'pool:'}rr:${encodeURIComponent(state.poolKey)}`)
  const position = ((cursor - 1) % total + total) % total
  return rotate(eligible, interleavedPick(eligible.map(m => m.weight), position))
}

function orderLeastBusy<T extends SelectableMember> (eligible: T[], load: Map<T, number>, random: () => number): T[] {
  const keyed = eligible.map(m => ({ m, load: (load.get(m) ?? 0) / m.weight, tie: random() }))
  keyed.sort((a, b) => a.load - b.load || a.tie - b.tie)
  return keyed.map(k => k.m)
}

/**
 * The candidates for one request, in the order to try them. Skips disabled members, members that do not serve the
 * model, members cooling down and members at their concurrency limit (a pre-check: the slot itself is taken with
 * ConcurrencyTracker.tryAcquire per attempt). Strategies: weighted-round-robin (the default; the cursor lives in
 * the store so all instances share it), least-busy (in-flight count relative to weight), fill-first (config order).
 */
export async function selectMember<T extends SelectableMember> (
  members: readonly T[],
  model: string,
  strategy: PoolStrategy | undefined,
  state: SelectionState
): Promise<Selection<T>> {
  const skipped: Array<Skipped<T>> = []
  const usable: T[] = []
  for (const member of members) {
    if (!member.enabled) skipped.push({ member, reason: 'disabled' })
    else if (!isModelAllowed(member, model)) skipped.push({ member, reason: 'model' })
    else usable.push(member)
  }
  const needLoad = (m: T): boolean => strategy === 'least-busy' || (m.concurrencyLimit ?? 0) > 0
  const checks = await Promise.all(usable.map(async (m): Promise<[Cooldown | undefined, number]> => needLoad(m)
    ? await Promise.all([state.health.cooldownOf(m.id, model), state.concurrency.inFlight(m.id)])
    : [await state.health.cooldownOf(m.id, model), 0]))
  const eligible: T[] = []
  const load = new Map<T, number>()
  usable.forEach((member, i) => {
    const [cooldown, inFlight] = checks[i] ?? [undefined, 0]
    if (cooldown !== undefined) skipped.push({ member, reason: 'cooldown', until: cooldown.until })
    else if ((member.concurrencyLimit ?? 0) > 0 && inFlight >= (member.concurrencyLimit ?? 0)) skipped.push({ member, reason: 'busy' })
    else {
      eligible.push(member)
      load.set(member, inFlight)
    }
  })
  let candidates: T[]
  if (strategy === 'fill-first') candidates = eligible
  else if (strategy === 'least-busy') candidates = orderLeastBusy(eligible, load, state.random ?? Math.random)
  else candidates = await orderWeighted(eligible, state)
  return { candidates, skipped }
}
