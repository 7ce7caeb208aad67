import type { CellResult } from './load.js'
import { keyOf, medianCell, type Settings, type TargetName } from './matrix.js'
import type { PathSpec } from './paths.js'

/**
 * The markdown table (medians over rounds; ratios against the floor, the Fastify reference proxy and Portkey) and the
 * target checks.
 */

export interface Extras {
  readyMs?: number
  promptLog?: Array<{ path: string, stream: boolean, plainRps: number, loggingRps: number }>
  cores: string
}

type Lookup = (subject: string, target: TargetName, stream: boolean, c: number) => CellResult | undefined

export function lookupFrom (results: Map<string, CellResult[]>): Lookup {
  return (subject, target, stream, connections) => medianCell(results.get(keyOf({ subject, target, stream, connections })))
}

const f0 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(0)
const f2 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(2)
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`

/** The c=64 cells a row is compared with. */
interface Baselines {
  floor?: CellResult
  reference?: CellResult
  portkey?: CellResult
}

function row (name: string, c1: CellResult | undefined, c64: CellResult | undefined, base: Baselines): string {
  return `| ${name} | ${f2(c1?.p50Ms)} | ${f2(c1?.ttfbP50Ms)} | ${f0(c1?.rps)} | ${f0(c64?.rps)} | ${f2(c64?.p50Ms)} | ${f2(c64?.p99Ms)} | ${f2(c64?.ttfbP50Ms)} | ${f0(c64?.cpuUsPerReq)} | ${f0(c64?.rssMB)} | ${ratio(c64?.rps, base.floor?.rps)} | ${ratio(c64?.cpuUsPerReq, base.floor?.cpuUsPerReq)} | ${ratio(c64?.cpuUsPerReq, base.reference?.cpuUsPerReq)} | ${ratio(c64?.rps, base.portkey?.rps)} |`
}

const HEADER = '| target | c=1 p50 ms | c=1 TTFB ms | c=1 req/s | c=64 req/s | c=64 p50 ms | c=64 p99 ms | c=64 TTFB ms | CPU µs/req | RSS MB | req/s vs floor | CPU vs floor | CPU vs Fastify proxy | req/s vs Portkey |\n' +
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'

export function markdown (s: Settings, results: Map<string, CellResult[]>, extras: Extras): string {
  const get = lookupFrom(results)
  const lines: string[] = []
  for (const stream of [false, true]) {
    lines.push(`### ${stream ? 'Stream' : 'Non-stream'}`, '', HEADER)
    for (const path of s.paths) {
      const up = `upstream:${path.upstream}`
      const floor = get(up, 'floor', stream, 64)
      const reference = get(up, 'reference', stream, 64)
      const portkey = get(path.id, 'portkey', stream, 64)
      const base: Baselines = { ...(floor === undefined ? {} : { floor }), ...(reference === undefined ? {} : { reference }) }
      lines.push(`| **${path.id}**${path.passthrough ? ' (passthrough)' : ''} | | | | | | | | | | | | | |`)
      lines.push(row('direct to fake', get(up, 'direct', stream, 1), get(up, 'direct', stream, 64), base))
      lines.push(row('floor proxy', get(up, 'floor', stream, 1), floor, base))
      lines.push(row('Fastify + JSON + log proxy', get(up, 'reference', stream, 1), reference, base))
      if (portkey !== undefined) lines.push(row('Portkey', get(path.id, 'portkey', stream, 1), portkey, { ...base, portkey }))
      lines.push(row('**Switchboard**', get(path.id, 'gateway', stream, 1), get(path.id, 'gateway', stream, 64), { ...base, ...(portkey === undefined ? {} : { portkey }) }))
    }
    lines.push('')
  }
  lines.push('### Targets', '', ...checks(s, get, extras).map(c => `- ${c.pass ? 'PASS' : 'FAIL'} ${c.text}`), '')
  return lines.join('\n')
}

export interface Check {
  pass: boolean
  text: string
}

function pathChecks (path: PathSpec, stream: boolean, get: Lookup): Check[] {
  const mode = stream ? 'stream' : 'non-stream'
  const up = `upstream:${path.upstream}`
  const gw = get(path.id, 'gateway', stream, 64)
  const floor = get(up, 'floor', stream, 64)
  const direct = get(up, 'direct', stream, 64)
  const pk = get(path.id, 'portkey', stream, 64)
  const out: Check[] = []
  if (gw === undefined || floor === undefined) return [{ pass: false, text: `${path.id} ${mode}: not measured` }]
  out.push(...referenceChecks(path, stream, get))
  const pct = gw.rps / floor.rps
  const cpu = gw.cpuUsPerReq / floor.cpuUsPerReq
  if (path.passthrough) {
    const gw1 = get(path.id, 'gateway', stream, 1)
    const floor1 = get(up, 'floor', stream, 1)
    out.push({ pass: pct >= 0.9, text: `${path.id} ${mode}: req/s at c=64 is ${(pct * 100).toFixed(0)} % of the floor's (≥ 90 %)` })
    out.push({ pass: cpu <= 1.3, text: `${path.id} ${mode}: CPU per request ${cpu.toFixed(2)}× the floor's (≤ 1.3×)` })
    if (gw1 !== undefined && floor1 !== undefined) {
      const d = stream ? gw1.ttfbP50Ms - floor1.ttfbP50Ms : gw1.p50Ms - floor1.p50Ms
      const limit = stream ? 0.5 : 0.3
      out.push({ pass: d <= limit, text: `${path.id} ${mode}: c=1 ${stream ? 'time to first byte' : 'p50'} ${d >= 0 ? '+' : ''}${d.toFixed(2)} ms over the floor (≤ ${limit} ms)` })
    }
  } else {
    out.push({ pass: pct >= 0.5, text: `${path.id} ${mode}: req/s at c=64 is ${(pct * 100).toFixed(0)} % of the floor's (≥ 50 %); CPU/req ${cpu.toFixed(2)}× the floor's` })
    if (pk !== undefined) out.push({ pass: gw.rps / pk.rps >= 5, text: `${path.id} ${mode}: ${(gw.rps / pk.rps).toFixed(1)}× Portkey's req/s (≥ 5×); CPU/req ${(pk.cpuUsPerReq / gw.cpuUsPerReq).toFixed(1)}× less` })
  }
  if (direct !== undefined) {
    const headroom = direct.rps / Math.max(gw.rps, floor.rps)
    out.push({ pass: headroom >= 2, text: `${path.id} ${mode}: direct-to-fake is ${headroom.toFixed(1)}× the fastest proxy (≥ 2×${headroom >= 2 ? '' : '; compare CPU per request instead'})` })
  }
  return out
}

/** Against the Fastify + JSON + request-log proxy: what the gateway adds over the least any Fastify proxy does. */
function referenceChecks (path: PathSpec, stream: boolean, get: Lookup): Check[] {
  const mode = stream ? 'stream' : 'non-stream'
  const up = `upstream:${path.upstream}`
  const gw = get(path.id, 'gateway', stream, 64)
  const ref = get(up, 'reference', stream, 64)
  if (gw === undefined || ref === undefined) return []
  const cpu = gw.cpuUsPerReq / ref.cpuUsPerReq
  const limit = path.passthrough ? 1.25 : 1.5
  const out: Check[] = [{ pass: cpu <= limit, text: `${path.id} ${mode}: CPU per request ${cpu.toFixed(2)}× the Fastify proxy's (${gw.cpuUsPerReq.toFixed(0)} vs ${ref.cpuUsPerReq.toFixed(0)} µs; ≤ ${limit}×)` }]
  const gw1 = get(path.id, 'gateway', stream, 1)
  const ref1 = get(up, 'reference', stream, 1)
  if (path.passthrough && !stream && gw1 !== undefined && ref1 !== undefined) {
    const d = gw1.p50Ms - ref1.p50Ms
    out.push({ pass: d <= 0.1, text: `${path.id} ${mode}: c=1 p50 ${d >= 0 ? '+' : ''}${d.toFixed(2)} ms over the Fastify proxy's (≤ 0.1 ms)` })
  }
  return out
}

export function checks (s: Settings, get: Lookup, extras: Extras): Check[] {
  const out: Check[] = []
  for (const stream of [false, true]) for (const path of s.paths) out.push(...pathChecks(path, stream, get))
  let gwRss = 0
  let floorRss = 0
  for (const stream of [false, true]) {
    for (const path of s.paths) gwRss = Math.max(gwRss, get(path.id, 'gateway', stream, 64)?.rssMB ?? 0)
    for (const kind of new Set(s.paths.map(p => p.upstream))) floorRss = Math.max(floorRss, get(`upstream:${kind}`, 'floor', stream, 64)?.rssMB ?? 0)
  }
  if (floorRss > 0) out.push({ pass: gwRss <= floorRss * 1.2, text: `RSS after load: gateway ${gwRss.toFixed(0)} MB, floor ${floorRss.toFixed(0)} MB (${(gwRss / floorRss).toFixed(2)}×, ≤ 1.2×)` })
  if (extras.readyMs !== undefined) out.push({ pass: extras.readyMs <= 400, text: `ready to serve ${extras.readyMs.toFixed(0)} ms after start (≤ 400 ms)` })
  for (const p of extras.promptLog ?? []) {
    const drop = 1 - p.loggingRps / p.plainRps
    out.push({ pass: drop <= 0.1, text: `prompt log to file, ${p.path} ${p.stream ? 'stream' : 'non-stream'}: req/s ${drop >= 0 ? 'drops' : 'rises'} ${(Math.abs(drop) * 100).toFixed(1)} % (≤ 10 %)` })
  }
  return out
}
