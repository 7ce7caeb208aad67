import t from 'tap'
import OpenAI from 'openai'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { spawn } from 'node:child_process'
import { buildHostApp } from '../../examples/embed/app.js'
import switchboard from '../../app.js'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'

t.test('embedded under a prefix: both apps work and their hooks stay apart', async t => {
  const upstream = await startFakeOpenAI()
  const app = await buildHostApp({ OPENAI_BASE_URL: `${upstream.url}/v1`, REQUIRED_API_KEY: 'gw-key' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  t.teardown(async () => { await upstream.close() })

  t.same(await (await fetch(`${url}/`)).json(), { app: 'host' }, 'host route')
  t.equal((await fetch(`${url}/api/profile`)).status, 403, 'host auth guards host routes')
  t.equal((await fetch(`${url}/api/profile`, { headers: { 'x-host-token': 'host-secret' } })).status, 200)

  const client = new OpenAI({ apiKey: 'gw-key', baseURL: `${url}/llm/v1`, maxRetries: 0 })
  const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
  t.equal(res.choices[0]?.message.content, 'echo: hi', 'gateway route under the prefix, without the host token')
  t.equal((await fetch(`${url}/llm/v1/models`)).status, 401, 'the gateway key guards only the gateway')
  t.equal((await fetch(`${url}/llm/health`)).status, 200)
  const missing = await fetch(`${url}/nothing-here`)
  t.equal(missing.status, 404)
  t.match(await missing.json(), { statusCode: 404, error: 'Not Found' }, 'outside the prefix, 404s are the host\'s own')

  // Closing the host app closes the gateway's upstream connections.
  t.ok(upstream.openSockets() > 0, 'keep-alive connection to the upstream is open')
  await app.close()
  await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(upstream.openSockets(), 0, 'closing the app closed the gateway\'s connection pool')
})

t.test('two instances in one process do not interfere', async t => {
  const a = await startFakeOpenAI()
  const b = await startFakeOpenAI()
  const app = Fastify()
  await app.register(switchboard, { prefix: '/a', config: { OPENAI_BASE_URL: `${a.url}/v1`, REQUIRED_API_KEY: 'key-a' } })
  await app.register(switchboard, { prefix: '/b', config: { OPENAI_BASE_URL: `${b.url}/v1`, REQUIRED_API_KEY: 'key-b' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  t.teardown(async () => { await app.close(); await a.close(); await b.close() })
  const ca = new OpenAI({ apiKey: 'key-a', baseURL: `${url}/a/v1`, maxRetries: 0 })
  const cb = new OpenAI({ apiKey: 'key-b', baseURL: `${url}/b/v1`, maxRetries: 0 })
  await ca.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'to a' }] })
  await cb.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'to b' }] })
  t.equal(a.requests.filter(r => r.url.includes('chat')).length, 1)
  t.equal(b.requests.filter(r => r.url.includes('chat')).length, 1)
  const wrong = new OpenAI({ apiKey: 'key-a', baseURL: `${url}/b/v1`, maxRetries: 0 })
  t.ok(await wrong.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).then(() => false, (e: unknown) => e instanceof OpenAI.AuthenticationError), 'a key of instance a does not open instance b')
})

t.test('closing the host app leaves no timer, socket, watcher or file descriptor open, and the process exits by itself', async t => {
  // A child process, so that nothing of tap's own is counted: see test/helpers/embed-lifecycle.ts.
  const script = new URL('../helpers/embed-lifecycle.ts', import.meta.url).pathname
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  // A bound, not a timing assertion: a process that never exits fails here instead of hanging the run.
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.once('exit', (c, s) => resolve([c, s])))
  clearTimeout(killer)
  t.equal(signal, null, 'the process exited on its own after app.close()')
  t.equal(code, 0, stderr)
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { healthChecks: number, leftover: string[], files: string[], active: string[] }
  t.ok(report.healthChecks > 0, 'scheduled health checks ran while the app was up')
  t.same(report.leftover, [], 'every timer (unref\'d ones too), socket, server and watcher the app made is gone')
  t.same(report.files, [], 'no file descriptor the app opened (prompt log, sockets) is left open')
  t.same(report.active, [], 'process.getActiveResourcesInfo() shows nothing new')
})
