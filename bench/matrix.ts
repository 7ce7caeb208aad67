import type { CellResult, Request } from './load.js'
import { runCell, warm } from './load.js'
import { PATHS, upstreamCall, type PathSpec } from './paths.js'
import type { UpstreamKind } from './payloads.js'
import { pin, type Running } from './processes.js'
import { LOAD_CPU, TARGET_CPU } from './targets.js'

/** The measured grid: every path × target × stream mode × concurrency, repeated in rounds (medians reported). */

/** `reference`: the Fastify + JSON + request-log proxy (bench/fastify-proxy.mjs), the yardstick of the gateway's cost. */
export type TargetName = 'direct' | 'floor' | 'reference' | 'gateway' | 'portkey'

export interface CellKey {
  /** A path id, or `upstream:<kind>` for the direct, floor and reference runs (shared by every path ending there). */
  subject: string
  target: TargetName
  stream: boolean
  connections: number
}

export interface Settings {
  rounds: number
  seconds: number
  warmSeconds: number
  concurrency: number[]
  paths: PathSpec[]
}

export interface Processes {
  fake: Running
  floor: Running
  reference: Running
  gateway: Running
  portkey?: Running
}

export const keyOf = (k: CellKey): string => `${k.subject}|${k.target}|${k.stream ? 'stream' : 'json'}|c${k.connections}`

interface Job {
  key: CellKey
  req: Request
  pid: number
}

function jobs (s: Settings, p: Processes, stream: boolean, connections: number): Job[] {
  const out: Job[] = []
  const kinds = [...new Set(s.paths.map(path => path.upstream))]
  const upstream = (kind: UpstreamKind, origin: string): Request => ({ origin, ...upstreamCall(kind, stream) })
  for (const kind of kinds) {
    out.push({ key: { subject: `upstream:${kind}`, target: 'direct', stream, connections }, req: upstream(kind, p.fake.url), pid: p.fake.pid })
    out.push({ key: { subject: `upstream:${kind}`, target: 'floor', stream, connections }, req: upstream(kind, p.floor.url), pid: p.floor.pid })
    out.push({ key: { subject: `upstream:${kind}`, target: 'reference', stream, connections }, req: upstream(kind, p.reference.url), pid: p.reference.pid })
  }
  for (const path of s.paths) {
    out.push({ key: { subject: path.id, target: 'gateway', stream, connections }, req: { origin: p.gateway.url, ...path.gateway(stream) }, pid: p.gateway.pid })
    if (path.portkey !== undefined && p.portkey !== undefined) {
      out.push({ key: { subject: path.id, target: 'portkey', stream, connections }, req: { origin: p.portkey.url, ...path.portkey(stream, p.fake.url) }, pid: p.portkey.pid })
    }
  }
  return out
}

async function runJob (job: Job, p: Processes, seconds: number): Promise<CellResult> {
  // Direct runs give the fake the target core (nothing else is under load then).
  const direct = job.key.target === 'direct'
  if (direct) pin(p.fake.pid, TARGET_CPU)
  try {
    return await runCell(job.req, job.pid, job.key.connections, seconds)
  } finally {
    if (direct) pin(p.fake.pid, LOAD_CPU)
  }
}

/** Checks every cell answers 200 once, and warms the JITs and connection pools. */
export async function warmUp (s: Settings, p: Processes, log: (line: string) => void): Promise<string[]> {
  const failing: string[] = []
  for (const stream of [false, true]) {
    for (const job of jobs(s, p, stream, 64)) {
      const r = await runCell(job.req, job.pid, 1, 0.05)
      if (r.errors > 0 || !Number.isFinite(r.p50Ms)) {
        failing.push(keyOf(job.key))
        log(`  ${keyOf(job.key)}: does not answer 200, left out`)
        continue
      }
      if (job.key.target === 'direct') continue
      await warm(job.req, 16, s.warmSeconds)
    }
  }
  return failing
}

/** Runs the grid `rounds` times; results keyed by keyOf(). */
export async function runMatrix (s: Settings, p: Processes, skip: Set<string>, log: (line: string) => void): Promise<Map<string, CellResult[]>> {
  const results = new Map<string, CellResult[]>()
  for (let round = 1; round <= s.rounds; round++) {
    for (const stream of [false, true]) {
      for (const connections of s.concurrency) {
        for (const job of jobs(s, p, stream, connections)) {
          const key = keyOf(job.key)
          if (skip.has(keyOf({ ...job.key, connections: 64 }))) continue
          const r = await runJob(job, p, s.seconds)
          const list = results.get(key) ?? []
          list.push(r)
          results.set(key, list)
          log(`  round ${round} ${key}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, ${r.cpuUsPerReq.toFixed(0)} µs CPU/req, ${r.rssMB.toFixed(0)} MB${r.errors > 0 ? `, ${r.errors} errors` : ''}`)
        }
      }
    }
  }
  return results
}

export function median (values: number[]): number {
  const sorted = values.filter(v => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The median of every metric over the rounds of one cell. */
export function medianCell (list: CellResult[] | undefined): CellResult | undefined {
  if (list === undefined || list.length === 0) return undefined
  const pick = (f: (r: CellResult) => number): number => median(list.map(f))
  return {
    rps: pick(r => r.rps),
    p50Ms: pick(r => r.p50Ms),
    p99Ms: pick(r => r.p99Ms),
    ttfbP50Ms: pick(r => r.ttfbP50Ms),
    cpuUsPerReq: pick(r => r.cpuUsPerReq),
    cpuCores: pick(r => r.cpuCores),
    rssMB: pick(r => r.rssMB),
    errors: list.reduce((sum, r) => sum + r.errors, 0)
  }
}

export { PATHS }
