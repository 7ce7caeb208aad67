import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { buildServer, listen } from '../server.js'
import { loadConfig } from '../plugins/config-loader.js'
import { PATHS } from './paths.js'
import { freePort } from './processes.js'
import { gatewayEnv, startFake } from './targets.js'

/**
 * `node --expose-gc --import tsx bench/heap-check.ts [--cycles N] [--seconds S]`: the leak check RSS cannot give.
 * Runs the gateway in this process, loads every path but Kiro (it needs a token file), stream and not, each cycle, forces a full
 * GC and prints the live heap. RSS keeps what the allocator grew to; a leak shows as heapUsed growing cycle after
 * cycle.
 */

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '4' }, seconds: { type: 'string', default: '3' } } })
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')

const fake = await startFake({ chunks: 20, chunkSize: 32, coalesce: false })
const port = await freePort()
const { config } = loadConfig({ env: gatewayEnv(fake.url, port), flags: {} })
const server = await buildServer(config, { logStream: new Writable({ write (_chunk, _encoding, done) { done() } }) })
await listen(server, config)
try {
  for (let cycle = 1; cycle <= Number(values.cycles); cycle++) {
    for (const path of PATHS.filter(p => p.upstream !== 'kiro')) {
      for (const stream of [false, true]) {
        const call = path.gateway(stream)
        await autocannon({ url: `http://127.0.0.1:${port}${call.path}`, method: 'POST', headers: call.headers, body: call.body, connections: 32, duration: Number(values.seconds) })
      }
    }
    await new Promise(resolve => setTimeout(resolve, 500))
    gc()
    gc()
    const m = process.memoryUsage()
    console.log(`cycle ${cycle}: heapUsed ${(m.heapUsed / 1048576).toFixed(1)} MB, rss ${(m.rss / 1048576).toFixed(0)} MB`)
  }
} finally {
  await server.close()
  await fake.stop()
}
