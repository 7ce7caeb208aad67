import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A request as the fake upstream received it. */
export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  json: unknown
}

export type FakeHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>

export interface FakeServer {
  url: string
  port: number
  requests: RecordedRequest[]
  /** Routes: exact "METHOD /path" (query ignored) or a prefix ending in "*". The last one set wins. */
  route(key: string, handler: FakeHandler): void
  /** Sockets currently open (to check that the gateway closed or aborted them). */
  openSockets(): number
  close(): Promise<void>
}

/** A tiny HTTP server on 127.0.0.1 that scripted fakes (OpenAI, Anthropic, Gemini, Kiro, OAuth) build on. */
export async function startFakeServer (): Promise<FakeServer> {
  const routes = new Map<string, FakeHandler>()
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try { json = body === '' ? undefined : JSON.parse(body) } catch { json = undefined }
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, json }
      requests.push(recorded)
      const path = recorded.url.split('?')[0] ?? '/'
      const key = `${recorded.method} ${path}`
      let handler = routes.get(key)
      if (handler === undefined) {
        for (const [k, h] of [...routes].reverse()) {
          if (k.endsWith('*') && key.startsWith(k.slice(0, -1))) { handler = h; break }
        }
      }
      if (handler === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `fake: no route ${key}` } }))
        return
      }
      Promise.resolve(handler(recorded, res)).catch(err => {
        if (!res.headersSent) res.writeHead(500).end(String(err))
      })
    })
  })
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route (key, handler) { routes.set(key, handler) },
    openSockets: () => sockets.size,
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

/** Writes SSE frames one by one with an optional pause, like a real upstream flushing tokens. */
export async function sendSse (res: ServerResponse, frames: string[], opts: { delayMs?: number, headers?: Record<string, string> } = {}): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...opts.headers })
  for (const frame of frames) {
    if (res.destroyed) return
    res.write(frame)
    if (opts.delayMs !== undefined && opts.delayMs > 0) await new Promise(resolve => setTimeout(resolve, opts.delayMs))
  }
  res.end()
}
