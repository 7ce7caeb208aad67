import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net'

/**
 * How the fake proxy treats CONNECT: `tunnel` opens it (optionally demanding credentials), `drop` closes the socket
 * at once (the proxy behind undici issue 3897's endless loop), `silent` accepts and never answers.
 */
export type ProxyMode = 'tunnel' | 'drop' | 'silent'

export interface FakeProxy {
  url: string
  port: number
  /** `host:port` of every CONNECT received, in order. */
  connects: string[]
  /** The Proxy-Authorization header of every CONNECT. */
  authorizations: Array<string | undefined>
  /** Client sockets currently open on the proxy (CONNECTs in progress and open tunnels). */
  openSockets(): number
  setMode(mode: ProxyMode): void
  close(): Promise<void>
}

/** A loopback HTTP proxy that speaks CONNECT (RFC 9110 §9.3.6) like squid or tinyproxy, with fault modes. */
export async function startFakeProxy (opts: { mode?: ProxyMode, user?: string, password?: string } = {}): Promise<FakeProxy> {
  let mode: ProxyMode = opts.mode ?? 'tunnel'
  const connects: string[] = []
  const authorizations: Array<string | undefined> = []
  const sockets = new Set<Socket>()
  const expected = opts.user === undefined ? undefined : `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}`
  const server: Server = createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('only CONNECT')
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    authorizations.push(req.headers['proxy-authorization'])
    client.on('error', () => {})
    // Node's HTTP server allows half-open sockets; a real proxy closes its side when the client's ends.
    client.on('end', () => client.destroy())
    if (mode === 'drop') { client.destroy(); return }
    // Reads (and ignores) what follows, as a real proxy does: that is how it sees the client close.
    if (mode === 'silent') { client.resume(); return }
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="fake"\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const [host, port] = splitHostPort(target)
    const upstream = netConnect({ host, port })
    upstream.on('error', () => { client.destroy() })
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    authorizations,
    openSockets: () => sockets.size,
    setMode: (m) => { mode = m },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

export function splitHostPort (target: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target)
  if (m === null) throw new Error(`bad CONNECT target ${target}`)
  return [m[1] as string, Number(m[2])]
}
