import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { warm, type Request } from './load.js'
import { upstreamCall, type PathSpec } from './paths.js'
import { sample, type Running } from './processes.js'
import { startFloor, startGateway } from './targets.js'

/**
 * Soak: RSS over time under c=64 and after idle, for the floor proxy and the gateway, in cycles of load and rest.
 * A gateway whose RSS after rest keeps climbing from cycle to cycle leaks.
 */

export interface SoakOptions {
  fakeUrl: string
  seconds: number
  cycles: number
  paths: PathSpec[]
  out: string | undefined
  log: (line: string) => void
}

interface Cycle {
  endOfLoadMB: number
  peakMB: number
  afterIdleMB: number
}

interface SoakResult {
  name: string
  startMB: number
  cycles: Cycle[]
  /** [seconds since start, RSS MB] every second. */
  series: Array<[number, number]>
}

const MB = 1048576
const IDLE_SECONDS = 15
const CELL_SECONDS = 5

async function soakOne (proc: Running, requests: Request[], o: SoakOptions): Promise<SoakResult> {
  const t0 = performance.now()
  const series: Array<[number, number]> = []
  const tick = (): number => {
    const rss = sample(proc.pid).rssBytes / MB
    series.push([Math.round((performance.now() - t0) / 1000), Math.round(rss)])
    return rss
  }
  const startMB = tick()
  const timer = setInterval(tick, 1000)
  const cycles: Cycle[] = []
  try {
    for (let c = 0; c < o.cycles; c++) {
      const from = series.length
      const until = performance.now() + o.seconds * 1000
      for (let i = 0; performance.now() < until; i++) {
        const req = requests[i % requests.length]!
        await warm(req, 64, Math.max(1, Math.min(CELL_SECONDS, Math.round((until - performance.now()) / 1000))))
      }
      const endOfLoadMB = tick()
      const peakMB = Math.max(...series.slice(from).map(s => s[1]))
      await sleep(IDLE_SECONDS * 1000)
      const afterIdleMB = tick()
      cycles.push({ endOfLoadMB, peakMB, afterIdleMB })
      o.log(`  ${proc.name} cycle ${c + 1}: ${endOfLoadMB.toFixed(0)} MB at the end of load (peak ${peakMB.toFixed(0)}), ${afterIdleMB.toFixed(0)} MB after ${IDLE_SECONDS} s idle`)
    }
  } finally {
    clearInterval(timer)
  }
  return { name: proc.name, startMB, cycles, series }
}

function summary (floor: SoakResult, gateway: SoakResult): string {
  const lines = ['| process | start MB | ' + floor.cycles.map((_, i) => `cycle ${i + 1}: end of load / peak / after idle`).join(' | ') + ' |',
    '|---|---:|' + floor.cycles.map(() => '---:').join('|') + '|']
  for (const r of [floor, gateway]) {
    lines.push(`| ${r.name} | ${r.startMB.toFixed(0)} | ${r.cycles.map(c => `${c.endOfLoadMB.toFixed(0)} / ${c.peakMB.toFixed(0)} / ${c.afterIdleMB.toFixed(0)}`).join(' | ')} |`)
  }
  const first = gateway.cycles[0]
  const last = gateway.cycles.at(-1)
  const floorFirst = floor.cycles[0]
  if (first !== undefined && last !== undefined && floorFirst !== undefined) {
    const vsFloor = first.endOfLoadMB / floorFirst.endOfLoadMB
    const growth = last.afterIdleMB - first.afterIdleMB
    lines.push('', `- ${vsFloor <= 1.2 ? 'PASS' : 'FAIL'} RSS after the first load cycle: gateway ${first.endOfLoadMB.toFixed(0)} MB, floor ${floorFirst.endOfLoadMB.toFixed(0)} MB (${vsFloor.toFixed(2)}×, ≤ 1.2×)`)
    lines.push(`- ${growth <= Math.max(8, first.afterIdleMB * 0.1) ? 'PASS' : 'FAIL'} no leak: RSS after idle went ${first.afterIdleMB.toFixed(0)} → ${last.afterIdleMB.toFixed(0)} MB over ${gateway.cycles.length} cycles`)
  }
  return lines.join('\n')
}

export async function runSoak (o: SoakOptions): Promise<void> {
  const floor = await startFloor(o.fakeUrl)
  const gateway = await startGateway({ fakeUrl: o.fakeUrl })
  try {
    const kinds = [...new Set(o.paths.map(p => p.upstream))]
    const floorRequests = [false, true].flatMap(stream => kinds.map(kind => ({ origin: floor.url, ...upstreamCall(kind, stream) })))
    const gatewayRequests = [false, true].flatMap(stream => o.paths.map(p => ({ origin: gateway.url, ...p.gateway(stream) })))
    o.log(`soak: ${o.cycles} cycles of ${o.seconds} s at c=64 and ${IDLE_SECONDS} s idle`)
    const f = await soakOne(floor, floorRequests, o)
    const g = await soakOne(gateway, gatewayRequests, o)
    const table = summary(f, g)
    console.log(table)
    const out = resolve(o.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results/soak.json'))
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), seconds: o.seconds, floor: f, gateway: g, markdown: table }, null, 2))
    o.log(`JSON written to ${out}`)
  } finally {
    await gateway.stop()
    await floor.stop()
  }
}
