import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'

/**
 * The floor: the least a Node HTTP gateway can do. Reads the client's body, sends it to the upstream with undici
 * (keep-alive pool, the same client the gateway uses) and relays status, content type and body bytes as they
 * arrive. No parsing, no logging, no validation. Prints `READY <port>`.
 *
 * Plain JavaScript, run without a TypeScript loader, so its CPU and RSS are the proxy's alone.
 */

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } } })
const upstream = values.upstream ?? 'http://127.0.0.1:1'
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 })

/** Request headers worth forwarding; hop-by-hop ones and the host stay behind. */
const FORWARD = ['content-type', 'authorization', 'x-api-key', 'anthropic-version', 'accept']

async function relay (req, res, body) {
  const forwarded = {}
  for (const name of FORWARD) {
    const value = req.headers[name]
    if (typeof value === 'string') forwarded[name] = value
  }
  const controller = new AbortController()
  res.once('close', () => { if (!res.writableFinished) controller.abort() })
  const up = await request(upstream + (req.url ?? '/'), { method: 'POST', headers: forwarded, body, dispatcher, signal: controller.signal })
  // Content type and, when the upstream sent one, its length (a fixed-length body needs no chunked terminator).
  const headers = {}
  for (const name of ['content-type', 'content-length']) {
    const value = up.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  res.writeHead(up.statusCode, headers)
  for await (const chunk of up.body) {
    if (!res.write(chunk)) await new Promise(resolve => res.once('drain', resolve))
  }
  res.end()
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = []
  req.on('data', c => chunks.push(c))
  req.on('end', () => {
    relay(req, res, Buffer.concat(chunks)).catch(() => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
  })
})
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`)
})
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => { void dispatcher.close().then(() => process.exit(0)) }) })
