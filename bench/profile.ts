import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { warm } from './load.js'
import { PATHS, upstreamCall } from './paths.js'
import { pin } from './processes.js'
import { LOAD_CPU, startFake, startFloor, startGateway, startReference } from './targets.js'

/**
 * `node --import tsx bench/profile.ts [--paths …] [--stream] [--seconds S] [--floor|--reference] [--prompt-log]`: runs the gateway
 * (or, with --floor or --reference, the floor or the Fastify reference proxy, to compare) under --cpu-prof while loading the chosen paths, then prints the functions with the most self time (open the .cpuprofile in Chrome
 * DevTools or speedscope for the flame graph).
 */

const { values } = parseArgs({
  options: {
    paths: { type: 'string' },
    stream: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    reference: { type: 'boolean', default: false },
    'prompt-log': { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    dir: { type: 'string', default: '/tmp/switchboard-prof' },
    top: { type: 'string', default: '40' },
    skip: { type: 'string', default: '4000' }
  }
})

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number, children?: number[] }

/** Where a profile node's code lives: a package, a Node subsystem, a native frame, or a folder of ours. */
function owner (frame: Node['callFrame']): string {
  const url = frame.url
  if (url === '') return `native ${frame.functionName}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg !== null) return pkg[1] ?? url
  if (url.startsWith('node:')) return url.replace(/^node:(?:internal\/)?([^/]+).*$/, 'node:$1')
  return `ours ${url.replace(/^.*\/dist\//, '').replace(/^file:\/\/.*?\/(plugins|providers|routes|schemas|commands)\//, '$1/').replace(/\/[^/]*$/, '')}`
}

/**
 * Self time per function and per owner (package, Node subsystem, our folder), counting only samples after the
 * start-up (the first `skipMs`) and outside idle; per owner also in µs per request, to compare the gateway's
 * profile with the floor's.
 */
function summarize (file: string, top: number, skipMs: number, requests: number, loadMs: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[], samples: number[], timeDeltas: number[] }
  const selfUs = new Map<number, number>()
  let t = 0
  let windowUs = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    t += dt
    if (t < skipMs * 1000) return
    windowUs += dt
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt)
  })
  const byFunction = new Map<string, number>()
  const byOwner = new Map<string, number>()
  let total = 0
  for (const n of profile.nodes) {
    if (n.callFrame.functionName === '(idle)') continue
    const us = selfUs.get(n.id) ?? 0
    if (us === 0) continue
    total += us
    const url = n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/dist\//, 'dist/')
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    const who = owner(n.callFrame)
    byOwner.set(who, (byOwner.get(who) ?? 0) + us)
  }
  // The load ran during the last `loadMs` of the profile; count the requests of its sampled part.
  const sampledRequests = requests * Math.min(1, windowUs / 1000 / loadMs)
  const perRequest = (us: number): string => sampledRequests > 0 ? `${(us / sampledRequests).toFixed(1).padStart(6)} µs/req` : ''
  console.log(`\nbusy ${(total / 1000).toFixed(0)} ms of ${(windowUs / 1000).toFixed(0)} ms sampled ${perRequest(total)}\n\nby owner:`)
  for (const [key, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(us / total * 100).toFixed(1).padStart(5)} %  ${perRequest(us)}  ${key}`)
  }
  console.log('\nby function:')
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / total * 100).toFixed(1).padStart(5)} %  ${key}`)
  }
}

async function main (): Promise<void> {
  pin(process.pid, LOAD_CPU)
  const filters = values.paths?.split(',').map(s => s.toLowerCase())
  const paths = filters === undefined ? PATHS : PATHS.filter(p => filters.some(f => p.id.toLowerCase().includes(f)))
  const fake = await startFake({ chunks: 20, chunkSize: 32, coalesce: false })
  rmSync(values.dir, { recursive: true, force: true })
  const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', values.dir]
  const proxy = values.floor || values.reference
  const gateway = values.floor ? await startFloor(fake.url, nodeArgs) : values.reference ? await startReference(fake.url, nodeArgs) : await startGateway({ fakeUrl: fake.url, nodeArgs, fromSource: true, env: values['prompt-log'] ? { PROMPT_LOG_MODE: 'file' } : {} })
  let requests = 0
  const loadStart = performance.now()
  let loadMs = 0
  try {
    for (const path of paths) {
      const call = proxy ? upstreamCall(path.upstream, values.stream) : path.gateway(values.stream)
      requests += await warm({ origin: gateway.url, ...call }, 64, Number(values.seconds))
    }
    loadMs = performance.now() - loadStart
  } finally {
    await gateway.stop()
    await fake.stop()
  }
  const files = readdirSync(values.dir).filter(f => f.endsWith('.cpuprofile')).map(f => join(values.dir, f)).sort()
  // The main thread's profile is the big one (module loader hooks, with tsx, have their own thread and file).
  const latest = files.map(f => ({ f, size: statSync(f).size })).sort((a, b) => b.size - a.size)[0]?.f
  if (latest !== undefined) {
    console.log(`${latest}: ${requests} requests`)
    summarize(latest, Number(values.top), Number(values.skip), requests, loadMs)
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1) })
