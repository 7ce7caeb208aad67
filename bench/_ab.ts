import { runCell, warm } from './load.js'
import { PATHS } from './paths.js'
import { freePort, pin, start } from './processes.js'
import { LOAD_CPU, TARGET_CPU, gatewayEnv, startFake } from './targets.js'
pin(process.pid, LOAD_CPU)
const fake = await startFake({ chunks: 20, chunkSize: 32, coalesce: false })
const call = PATHS[0]!.gateway(process.argv.includes('--stream'))
const gws = []
for (const dir of ['/tmp/dist-base', '/tmp/dist-buf']) {
  const port = await freePort()
  gws.push({ dir, g: await start({ name: dir, command: process.execPath, args: [`${dir}/cli.js`], env: gatewayEnv(fake.url, port), port, readyPath: '/health', cpu: TARGET_CPU }) })
}
for (const { g } of gws) await warm({ origin: g.url, ...call }, 64, 3)
for (let r = 0; r < 4; r++) for (const { dir, g } of gws) {
  const x = await runCell({ origin: g.url, ...call }, g.pid, 64, 4)
  console.log(dir.padEnd(16), Math.round(x.rps), 'req/s', Math.round(x.cpuUsPerReq), 'µs/req')
}
for (const { g } of gws) await g.stop()
await fake.stop()
