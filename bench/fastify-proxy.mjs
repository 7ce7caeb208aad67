import Fastify from 'fastify'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'

/**
 * The reference: what any Fastify proxy costs before it does anything of its own. Fastify with its default logger
 * (pino to stdout, the "incoming request" and "request completed" lines), its JSON body parser, the body
 * re-serialized to the upstream with undici (keep-alive Agent, as the gateway) and the upstream's bytes relayed as
 * they arrive. No auth, routing, metrics or usage accounting: the gateway's passthrough is measured against this,
 * and its translated paths at most 1.5× it (docs/performance.md). Prints `READY <port>`.
 *
 * Plain JavaScript, run without a TypeScript loader, so its CPU and RSS are the proxy's alone.
 */

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } } })
const upstream = values.upstream ?? 'http://127.0.0.1:1'
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 })

/** Request headers worth forwarding (the floor proxy's set); the content type is the re-serialized body's. */
const FORWARD = ['authorization', 'x-api-key', 'anthropic-version', 'accept']

const app = Fastify({ logger: true })

app.post('/*', async (req, reply) => {
  const headers = { 'content-type': 'application/json' }
  for (const name of FORWARD) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  const controller = new AbortController()
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort() })
  const up = await request(upstream + req.url, { method: 'POST', headers, body: JSON.stringify(req.body), dispatcher, signal: controller.signal })
  const type = up.headers['content-type']
  if (typeof type === 'string') reply.header('content-type', type)
  const length = up.headers['content-length']
  if (typeof length === 'string') reply.header('content-length', length)
  return await reply.code(up.statusCode).send(up.body)
})

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' })
process.stdout.write(`READY ${new URL(address).port}\n`)
process.on('SIGTERM', () => { void app.close().then(() => dispatcher.close()).then(() => process.exit(0)) })
