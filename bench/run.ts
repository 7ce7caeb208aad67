import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runCell, warm } from './load.js'
import { median, PATHS, runMatrix, warmUp, type Processes, type Settings } from './matrix.js'
import { HAS_TASKSET, pin, type Running } from './processes.js'
import { markdown, type Extras } from './report.js'
import { runSoak } from './soak.js'
import { LOAD_CPU, startFake, startFloor, startGateway, startPortkey, startReference, TARGET_CPU } from './targets.js'

/**
 * `npm run bench`: the fake upstream, the floor proxy, the Fastify reference proxy, the gateway and Portkey side by side, every path, stream and
 * not, at each concurrency, in rounds; prints a markdown table of medians and writes JSON. `--quick` for a short
 * run, `--soak` for RSS over time. The load generator and the fake share one core, the process under test gets
 * the other (taskset), so its CPU per request is its own.
 */

const HELP = `npm run bench -- [--quick] [--soak] [--rounds N] [--seconds S] [--chunks N] [--chunk-size N]
  [--paths substring,…] [--no-portkey] [--coalesce] [--out FILE] [--soak-seconds S] [--cycles N]`

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    chunks: { type: 'string', default: '20' },
    'chunk-size': { type: 'string', default: '32' },
    paths: { type: 'string' },
    'no-portkey': { type: 'boolean', default: false },
    coalesce: { type: 'boolean', default: false },
    out: { type: 'string' },
    'soak-seconds': { type: 'string', default: '60' },
    cycles: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false }
  }
})

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const log = (line: string): void => { process.stderr.write(line + '\n') }

function settings (): Settings {
  const filters = values.paths?.split(',').map(s => s.trim().toLowerCase()).filter(s => s !== '')
  return {
    rounds: Number(values.rounds ?? (values.quick ? 1 : 3)),
    seconds: Number(values.seconds ?? (values.quick ? 2 : 5)),
    warmSeconds: values.quick ? 1 : 2,
    concurrency: [1, 64],
    paths: filters === undefined ? PATHS : PATHS.filter(p => filters.some(f => p.id.toLowerCase().includes(f)))
  }
}

/** Median time from spawn to the first 200 from /health, over a few fresh gateway processes. */
async function readiness (fakeUrl: string, times: number): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const gw = await startGateway({ fakeUrl, name: 'gateway-start' })
    samples.push(gw.readyMs)
    await gw.stop()
  }
  return median(samples)
}

/** The same cells with prompt logging to file on, interleaved with the plain gateway. */
async function promptLogImpact (s: Settings, p: Processes, logging: Running): Promise<NonNullable<Extras['promptLog']>> {
  const out: NonNullable<Extras['promptLog']> = []
  const picks = s.paths.filter(x => x.id === 'OpenAI→openai-custom' || x.id === 'OpenAI→claude-custom')
  for (const path of picks) {
    for (const stream of [false, true]) {
      const plain: number[] = []
      const withLog: number[] = []
      const req = path.gateway(stream)
      // The plain gateway has just run the whole grid: warm the logging one as hard, and take at least three
      // rounds (with one, the two sides' order and JIT state decided the sign of the difference).
      await warm({ origin: logging.url, ...req }, 64, s.warmSeconds * 2)
      for (let r = 0; r < Math.max(3, s.rounds); r++) {
        plain.push((await runCell({ origin: p.gateway.url, ...req }, p.gateway.pid, 64, s.seconds)).rps)
        withLog.push((await runCell({ origin: logging.url, ...req }, logging.pid, 64, s.seconds)).rps)
      }
      out.push({ path: path.id, stream, plainRps: median(plain), loggingRps: median(withLog) })
      log(`  prompt log ${path.id} ${stream ? 'stream' : 'json'}: ${median(plain).toFixed(0)} → ${median(withLog).toFixed(0)} req/s`)
    }
  }
  return out
}

async function main (): Promise<void> {
  if (values.help) return console.log(HELP)
  const s = settings()
  if (HAS_TASKSET) pin(process.pid, LOAD_CPU)
  const cores = HAS_TASKSET ? `load generator and fake on CPU ${LOAD_CPU}, process under test on CPU ${TARGET_CPU}` : 'taskset not found: processes are not pinned'
  log(`${cpus().length} cores, ${cpus()[0]?.model ?? ''}; ${cores}`)
  const started: Running[] = []
  const track = <T extends Running | undefined>(r: T): T => { if (r !== undefined) started.push(r); return r }
  try {
    const fake = track(await startFake({ chunks: Number(values.chunks), chunkSize: Number(values['chunk-size']), coalesce: values.coalesce }))
    if (values.soak) {
      await runSoak({ fakeUrl: fake.url, seconds: Number(values['soak-seconds']), cycles: Number(values.cycles), paths: s.paths, out: values.out, log })
      return
    }
    const readyMs = await readiness(fake.url, values.quick ? 1 : 3)
    log(`gateway ready ${readyMs.toFixed(0)} ms after spawn`)
    const floor = track(await startFloor(fake.url))
    const reference = track(await startReference(fake.url))
    const gateway = track(await startGateway({ fakeUrl: fake.url }))
    const portkey = values['no-portkey'] ? undefined : track(await startPortkey().catch((err: unknown) => { log(`Portkey did not start: ${String(err)}`); return undefined }))
    const procs: Processes = { fake, floor, reference, gateway, ...(portkey === undefined ? {} : { portkey }) }
    log('warming up')
    const skip = new Set(await warmUp(s, procs, log))
    const results = await runMatrix(s, procs, skip, log)
    const logging = track(await startGateway({ fakeUrl: fake.url, name: 'gateway-promptlog', env: { PROMPT_LOG_MODE: 'file' } }))
    const promptLog = await promptLogImpact(s, procs, logging)
    const extras: Extras = { readyMs, promptLog, cores }
    const table = markdown(s, results, extras)
    console.log(table)
    const out = resolve(values.out ?? join(ROOT, 'bench/results/latest.json'))
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify({
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cores,
      settings: { ...s, paths: s.paths.map(p => p.id), chunks: Number(values.chunks), chunkSize: Number(values['chunk-size']) },
      extras,
      skipped: [...skip],
      cells: Object.fromEntries(results),
      markdown: table
    }, null, 2))
    log(`JSON written to ${out}`)
  } finally {
    for (const r of started.reverse()) await r.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
