import autocannon from 'autocannon'
import { Client } from 'undici'
import { sample } from './processes.js'

/**
 * Load for one cell: autocannon for throughput at concurrency > 1, and a one-connection probe that times every
 * request in microseconds (latency and time to first body byte) — alone at c=1, alongside autocannon at c>1.
 */

export interface Request {
  /** Base URL of the process under test. */
  origin: string
  path: string
  headers: Record<string, string>
  body: Buffer
}

export interface CellResult {
  rps: number
  p50Ms: number
  p99Ms: number
  ttfbP50Ms: number
  /** CPU time of the process under test per completed request. */
  cpuUsPerReq: number
  /** CPU of that process in cores (1 = one core busy all the time). */
  cpuCores: number
  rssMB: number
  errors: number
}

interface ProbeResult {
  count: number
  errors: number
  latencies: number[]
  ttfbs: number[]
}

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

/** Sequential requests over one keep-alive connection until `until` (performance.now() ms). */
async function probe (req: Request, until: number): Promise<ProbeResult> {
  const client = new Client(req.origin, { pipelining: 1, keepAliveTimeout: 30_000 })
  const out: ProbeResult = { count: 0, errors: 0, latencies: [], ttfbs: [] }
  try {
    while (performance.now() < until) {
      const t0 = performance.now()
      try {
        const res = await client.request({ method: 'POST', path: req.path, headers: req.headers, body: req.body })
        let first: number | undefined
        for await (const _chunk of res.body) first ??= performance.now()
        const t1 = performance.now()
        if (res.statusCode !== 200) out.errors++
        else {
          out.latencies.push(t1 - t0)
          out.ttfbs.push((first ?? t1) - t0)
        }
      } catch {
        out.errors++
      }
      out.count++
    }
  } finally {
    await client.close().catch(() => {})
  }
  return out
}

/** Runs one cell against `req`, reading CPU and RSS of process `pid` around the measured window. */
export async function runCell (req: Request, pid: number, connections: number, seconds: number): Promise<CellResult> {
  const before = sample(pid)
  const t0 = performance.now()
  let probed: ProbeResult
  let acTotal = 0
  let p50: number
  let p99: number
  let errors: number
  if (connections <= 1) {
    probed = await probe(req, t0 + seconds * 1000)
    const sorted = [...probed.latencies].sort((a, b) => a - b)
    p50 = percentile(sorted, 0.5)
    p99 = percentile(sorted, 0.99)
    errors = probed.errors
  } else {
    const [ac, pr] = await Promise.all([
      autocannon({ url: req.origin + req.path, method: 'POST', headers: req.headers, body: req.body, connections, duration: seconds, timeout: 30 }),
      probe(req, t0 + seconds * 1000)
    ])
    probed = pr
    acTotal = ac.requests.total
    p50 = ac.latency.p50
    p99 = ac.latency.p99
    errors = ac.errors + ac.timeouts + ac.non2xx + pr.errors
  }
  const elapsed = (performance.now() - t0) / 1000
  const after = sample(pid)
  const completed = acTotal + probed.count
  const ttfbs = [...probed.ttfbs].sort((a, b) => a - b)
  return {
    rps: completed / elapsed,
    p50Ms: p50,
    p99Ms: p99,
    ttfbP50Ms: percentile(ttfbs, 0.5),
    cpuUsPerReq: completed === 0 ? Number.NaN : (after.cpuUs - before.cpuUs) / completed,
    cpuCores: (after.cpuUs - before.cpuUs) / 1e6 / elapsed,
    rssMB: after.rssBytes / 1048576,
    errors
  }
}

/** A short unmeasured run (JIT warm-up, connection pools filled); returns the requests completed. */
export async function warm (req: Request, connections: number, seconds: number): Promise<number> {
  const result = await autocannon({ url: req.origin + req.path, method: 'POST', headers: req.headers, body: req.body, connections, duration: seconds, timeout: 30 })
  return result.requests.total
}
