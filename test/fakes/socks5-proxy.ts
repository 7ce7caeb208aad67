import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net'

export interface FakeSocksProxy {
  url: string
  port: number
  /** `host:port` of every CONNECT command received. */
  connects: string[]
  /** user:password of every successful RFC 1929 login. */
  logins: string[]
  close(): Promise<void>
}

/**
 * A loopback SOCKS5 server (RFC 1928, CONNECT only, IPv4 and domain addresses) with optional username/password
 * authentication (RFC 1929), enough to carry the gateway's upstream calls the way dante or ssh -D would.
 */
export async function startFakeSocks5 (opts: { user?: string, password?: string } = {}): Promise<FakeSocksProxy> {
  const connects: string[] = []
  const logins: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer(client => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    let buffer = Buffer.alloc(0)
    let stage: 'greeting' | 'auth' | 'request' | 'open' = 'greeting'
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        if (stage === 'greeting') {
          if (buffer.length < 2 || buffer.length < 2 + (buffer[1] as number)) return
          const methods = [...buffer.subarray(2, 2 + (buffer[1] as number))]
          buffer = buffer.subarray(2 + (buffer[1] as number))
          const wanted = opts.user === undefined ? 0x00 : 0x02
          if (!methods.includes(wanted)) { client.end(Buffer.from([0x05, 0xff])); return }
          client.write(Buffer.from([0x05, wanted]))
          stage = wanted === 0x02 ? 'auth' : 'request'
        } else if (stage === 'auth') {
          if (buffer.length < 2) return
          const ulen = buffer[1] as number
          if (buffer.length < 3 + ulen) return
          const plen = buffer[2 + ulen] as number
          if (buffer.length < 3 + ulen + plen) return
          const user = buffer.subarray(2, 2 + ulen).toString()
          const password = buffer.subarray(3 + ulen, 3 + ulen + plen).toString()
          buffer = buffer.subarray(3 + ulen + plen)
          if (user !== opts.user || password !== (opts.password ?? '')) { client.end(Buffer.from([0x01, 0x01])); return }
          logins.push(`${user}:${password}`)
          client.write(Buffer.from([0x01, 0x00]))
          stage = 'request'
        } else if (stage === 'request') {
          if (buffer.length < 5) return
          const atyp = buffer[3] as number
          let host: string
          let end: number
          if (atyp === 0x01) {
            end = 10
            if (buffer.length < end) return
            host = [...buffer.subarray(4, 8)].join('.')
          } else if (atyp === 0x03) {
            end = 5 + (buffer[4] as number) + 2
            if (buffer.length < end) return
            host = buffer.subarray(5, 5 + (buffer[4] as number)).toString()
          } else {
            client.end(Buffer.from([0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0]))
            return
          }
          const port = buffer.readUInt16BE(end - 2)
          buffer = buffer.subarray(end)
          connects.push(`${host}:${port}`)
          stage = 'open'
          client.off('data', onData)
          const upstream = netConnect({ host, port })
          upstream.on('error', () => { client.end(Buffer.from([0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0])) })
          upstream.once('connect', () => {
            client.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0, 0]))
            if (buffer.length > 0) upstream.write(buffer)
            upstream.pipe(client)
            client.pipe(upstream)
          })
          client.on('close', () => upstream.destroy())
          upstream.on('close', () => client.destroy())
          return
        } else {
          return
        }
      }
    }
    client.on('data', onData)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const auth = opts.user === undefined ? '' : `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.password ?? '')}@`
  return {
    url: `socks5://${auth}127.0.0.1:${port}`,
    port,
    connects,
    logins,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
