import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { warm } from './load.js'
import { PATHS } from './paths.js'
import { pin } from './processes.js'
import { LOAD_CPU, startFake, startGateway } from './targets.js'

/**
 * `node --import tsx bench/profile.ts [--paths …] [--stream] [--seconds S]`: runs the gateway under --cpu-prof while
 * loading the chosen paths, then prints the functions with the most self time (open the .cpuprofile in Chrome
 * DevTools or speedscope for the flame graph).
 */

const { values } = parseArgs({
  options: {
    paths: { type: 'string' },
    stream: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    dir: { type: 'string', default: '/tmp/switchboard-prof' },
    top: { type: 'string', default: '40' },
    skip: { type: 'string', default: '4000' }
  }
})

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number, children?: number[] }

/** Self time per function, counting only samples after the start-up (the first `skipMs`) and outside idle. */
function summarize (file: string, top: number, skipMs: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[], samples: number[], timeDeltas: number[] }
  const hitsOf = new Map<number, number>()
  let t = 0
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0
    if (t >= skipMs * 1000) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1)
  })
  const self = new Map<string, number>()
  let total = 0
  for (const n of profile.nodes) {
    if (n.callFrame.functionName === '(idle)') continue
    const hits = hitsOf.get(n.id) ?? 0
    total += hits
    const url = n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/dist\//, 'dist/')
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + hits)
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [key, hits] of rows) console.log(`${(hits / total * 100).toFixed(1).padStart(5)} %  ${key}`)
}

async function main (): Promise<void> {
  pin(process.pid, LOAD_CPU)
  const filters = values.paths?.split(',').map(s => s.toLowerCase())
  const paths = filters === undefined ? PATHS : PATHS.filter(p => filters.some(f => p.id.toLowerCase().includes(f)))
  const fake = await startFake({ chunks: 20, chunkSize: 32, coalesce: false })
  const gateway = await startGateway({ fakeUrl: fake.url, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', values.dir] })
  try {
    for (const path of paths) await warm({ origin: gateway.url, ...path.gateway(values.stream) }, 64, Number(values.seconds))
  } finally {
    await gateway.stop()
    await fake.stop()
  }
  const files = readdirSync(values.dir).filter(f => f.endsWith('.cpuprofile')).map(f => join(values.dir, f)).sort()
  const latest = files.at(-1)
  if (latest !== undefined) {
    console.log(latest)
    summarize(latest, Number(values.top), Number(values.skip))
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1) })
