import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { cannedResponses, type Canned, type UpstreamKind } from './payloads.js'

/**
 * The benchmark's upstream: OpenAI, Anthropic, Gemini and Kiro answers, stream and not, from pre-serialized
 * buffers, so it costs as little CPU per request as node:http allows. Run as its own process (the bench reads its
 * CPU time from /proc) and prints `READY <port>` when listening.
 *
 * Stream frames are written one per event-loop turn by default, as a real upstream flushes tokens: the gateway
 * then sees separate chunks instead of one coalesced write (`--coalesce` writes them in one go).
 */

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    chunks: { type: 'string', default: '20' },
    'chunk-size': { type: 'string', default: '32' },
    coalesce: { type: 'boolean', default: false }
  }
})

const canned = cannedResponses({ chunks: Number(values.chunks), chunkSize: Number(values['chunk-size']) })
const STREAM_FLAG = Buffer.from('"stream":true')

function kindOf (path: string): { kind: UpstreamKind, stream?: boolean } | undefined {
  if (path.endsWith('/chat/completions')) return { kind: 'openai' }
  if (path.endsWith('/messages')) return { kind: 'anthropic' }
  if (path.endsWith(':generateContent')) return { kind: 'gemini', stream: false }
  if (path.endsWith(':streamGenerateContent')) return { kind: 'gemini', stream: true }
  if (path.endsWith('/generateAssistantResponse')) return { kind: 'kiro', stream: true }
  return undefined
}

function writeFrames (res: ServerResponse, frames: Buffer[], i: number): void {
  if (res.destroyed) return
  const frame = frames[i]
  if (frame === undefined) {
    res.end()
    return
  }
  res.write(frame)
  setImmediate(writeFrames, res, frames, i + 1)
}

function answer (res: ServerResponse, c: Canned, stream: boolean, jsonArray: boolean): void {
  if (!stream) {
    res.writeHead(200, { 'content-type': c.contentType, 'content-length': c.json.length, 'x-request-id': 'req_fake' })
    res.end(c.json)
    return
  }
  res.writeHead(200, { 'content-type': jsonArray ? 'application/json; charset=UTF-8' : c.streamContentType, 'x-request-id': 'req_fake' })
  if (jsonArray) {
    // Gemini without alt=sse: the same chunks as one JSON array.
    const items = c.frames.map(f => f.toString('utf8').slice(6).trimEnd())
    res.end(`[${items.join(',\r\n')}]`)
    return
  }
  if (values.coalesce) res.end(Buffer.concat(c.frames))
  else writeFrames(res, c.frames, 0)
}

function handle (req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const route = req.method === 'POST' ? kindOf(path) : undefined
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"fake upstream: no such route"}}')
      return
    }
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    const stream = route.stream ?? body.includes(STREAM_FLAG)
    answer(res, canned[route.kind], stream, route.kind === 'gemini' && stream && !url.includes('alt=sse'))
  })
}

const server = createServer({ keepAliveTimeout: 60_000 }, handle)
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)) })
