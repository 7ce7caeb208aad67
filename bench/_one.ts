import { PATHS } from './paths.js'
import { startFake, startGateway } from './targets.js'
const fake = await startFake({ chunks: 20, chunkSize: 32, coalesce: false })
const gw = await startGateway({ fakeUrl: fake.url })
const call = PATHS[0]!.gateway(true)
for (let i = 0; i < 5; i++) {
  const t = performance.now()
  const res = await fetch(gw.url + call.path, { method: 'POST', headers: call.headers, body: call.body })
  const text = await res.text()
  console.log(res.status, text.length, (performance.now() - t).toFixed(1), 'ms')
}
await gw.stop(); await fake.stop()
