import { connect as netConnect, type Socket } from 'node:net'
import type { Agent as AgentTypes, Dispatcher, buildConnector as BuildConnector } from 'undici'
import { Agent, buildConnector } from './undici-lean.js'
import { defaultPort, unbracket, type ProxyEndpoint } from './proxy-settings.js'

type Connector = BuildConnector.connector
type ConnectOptions = BuildConnector.Options
type ConnectCallback = BuildConnector.Callback
/** A tunnel connector also gets the signal that abandons it (undici's connect options carry none). */
type SignalledOptions = ConnectOptions & { signal: AbortSignal }
type SignalledConnector = (options: SignalledOptions, callback: ConnectCallback) => void

/**
 * A tunnel through a proxy that could not be opened. Its code is deliberately none of undici's: undici's client
 * retries a connect that failed with UND_ERR_SOCKET forever while requests wait (undici issue 3897: a proxy that
 * closes every tunnel gets tens of thousands of CONNECTs a second, and aborts and timeouts never fire); any other
 * code fails the waiting requests at once, and the gateway's own retry policy decides what happens next.
 */
export class ProxyTunnelError extends Error {
  readonly code: 'SWITCHBOARD_PROXY_TUNNEL' | 'SWITCHBOARD_PROXY_TIMEOUT'
  constructor (
    readonly proxy: ProxyEndpoint,
    /** host:port the tunnel was for. */
    readonly target: string,
    /** What failed, for the operator. */
    readonly reason: string,
    readonly timedOut: boolean,
    /** The proxy's HTTP status when it answered CONNECT with one other than 200. */
    readonly proxyStatus?: number,
    cause?: unknown
  ) {
    super(`proxy ${proxy.label}: ${reason}`, cause === undefined ? undefined : { cause })
    this.name = 'ProxyTunnelError'
    this.code = timedOut ? 'SWITCHBOARD_PROXY_TIMEOUT' : 'SWITCHBOARD_PROXY_TUNNEL'
  }
}

/** The options of every agent the transport makes (timeouts, pool size); a proxy's agent adds its tunnel connector. */
export type AgentOptions = Omit<AgentTypes.Options, 'connect'> & { connect: { timeout: number } }

/** host:port of a connect, as the waiting-request counts and the error messages name it. */
export function tunnelTarget (hostname: string, port: string | number, protocol: string): string {
  return `${hostname}:${port === '' || port === 0 ? defaultPort(protocol) : port}`
}

/** The proxy answered CONNECT with a status other than 2xx. */
class ProxyRefusal extends Error {
  constructor (readonly status: number, statusLine: string) {
    super(`it answered CONNECT with ${statusLine}`)
  }
}

function describeFailure (err: unknown): { reason: string, status?: number } {
  if (err instanceof ProxyRefusal) {
    const hint = err.status === 407 ? ': check the user and password in the proxy URL' : ''
    return { reason: `${err.message}${hint}`, status: err.status }
  }
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown }).code
  return { reason: typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message }
}

/**
 * Opens every tunnel of one proxy under the gateway's rules: a deadline (the connect timeout, for proxy connect,
 * CONNECT answer and upstream TLS together), errors that end the attempt instead of looping, a count of tunnels
 * opened (tests bound it), and a way to stop connecting when no request waits any more (the client left).
 */
export class TunnelGuard {
  /** Tunnels begun since start-up. */
  connects = 0
  private readonly inflight = new Map<string, Set<AbortController>>()
  private readonly waiting = new Map<string, number>()

  constructor (readonly proxy: ProxyEndpoint, private readonly timeoutMs: number) {}

  wrap (connect: SignalledConnector): Connector {
    return (options, callback) => {
      const target = tunnelTarget(options.hostname, options.port, options.protocol)
      const controller = new AbortController()
      let timedOut = false
      const timer = setTimeout(() => { timedOut = true; controller.abort() }, this.timeoutMs)
      const set = this.inflight.get(target) ?? new Set()
      set.add(controller)
      this.inflight.set(target, set)
      this.connects++
      connect({ ...options, signal: controller.signal }, (...args) => {
        clearTimeout(timer)
        set.delete(controller)
        if (set.size === 0 && this.inflight.get(target) === set) this.inflight.delete(target)
        const [err, socket] = args
        if (err === null) {
          callback(null, socket)
          return
        }
        if (timedOut) {
          callback(new ProxyTunnelError(this.proxy, target, `did not open a tunnel to ${target} within ${this.timeoutMs} ms`, true, undefined, err), null)
          return
        }
        const { reason, status } = describeFailure(err)
        callback(new ProxyTunnelError(this.proxy, target, `could not open a tunnel to ${target}: ${reason}`, false, status, err), null)
      })
    }
  }

  /** Counts a request waiting for `target`; when the last one leaves aborted, its unfinished tunnels are dropped. */
  enter (target: string): void {
    this.waiting.set(target, (this.waiting.get(target) ?? 0) + 1)
  }

  leave (target: string, aborted: boolean): void {
    const left = (this.waiting.get(target) ?? 1) - 1
    if (left > 0) {
      this.waiting.set(target, left)
      return
    }
    this.waiting.delete(target)
    if (!aborted) return
    for (const controller of this.inflight.get(target) ?? []) controller.abort()
  }

  /** Tunnels still being opened (tests assert none is left after a client abort). */
  get opening (): number {
    let n = 0
    for (const set of this.inflight.values()) n += set.size
    return n
  }
}

/**
 * The settling half of a tunnel connector: the callback runs once; an abort destroys the socket in hand and settles
 * with an error; `tunnelled` hands an open tunnel on, through TLS first when the upstream is https.
 */
function tunnelSettler (options: SignalledOptions, callback: ConnectCallback, toOrigin: Connector): {
  finish: ConnectCallback
  hold: (socket: Socket) => void
  tunnelled: (socket: Socket) => void
  done: () => boolean
} {
  let done = false
  let held: Socket | undefined
  const onAbort = (): void => { held?.destroy(); finish(new Error('aborted'), null) }
  const finish: ConnectCallback = (...args) => {
    if (done) return
    done = true
    options.signal.removeEventListener('abort', onAbort)
    callback(...args)
  }
  options.signal.addEventListener('abort', onAbort, { once: true })
  return {
    finish,
    hold: socket => { held = socket },
    tunnelled: socket => {
      if (options.protocol !== 'https:') finish(null, socket)
      else toOrigin({ ...options, httpSocket: socket }, finish)
    },
    done: () => done
  }
}

/** The `socks` client, loaded on the first SOCKS tunnel: it costs ~25 ms of start-up that no other setup needs. */
let socksClient: Promise<typeof import('socks').SocksClient> | undefined
async function loadSocks (): Promise<typeof import('socks').SocksClient> {
  socksClient ??= import('socks').then(m => m.SocksClient)
  return await socksClient
}

/**
 * SOCKS4/5 tunnels with the `socks` client over a socket the gateway opens itself, so that an abort can destroy it
 * at any step. Host names go to the proxy (socks5 behaves as socks5h; socks4 as socks4a), as most setups expect.
 */
function socksConnector (proxy: ProxyEndpoint, connectTimeoutMs: number): SignalledConnector {
  const toOrigin = buildConnector({ timeout: connectTimeoutMs })
  const type = proxy.url.protocol.startsWith('socks4') ? 4 : 5
  const userId = proxy.url.username === '' ? undefined : decodeURIComponent(proxy.url.username)
  const password = proxy.url.password === '' ? undefined : decodeURIComponent(proxy.url.password)
  const proxyPort = Number(proxy.url.port === '' ? 1080 : proxy.url.port)
  const proxyHost = unbracket(proxy.url.hostname)
  return (options, callback) => {
    const { finish, hold, tunnelled, done } = tunnelSettler(options, callback, toOrigin)
    const socket: Socket = netConnect({ host: proxyHost, port: proxyPort })
    socket.setNoDelay(true)
    hold(socket)
    socket.once('error', err => finish(err, null))
    socket.once('connect', () => {
      loadSocks().then(async SocksClient => await SocksClient.createConnection({
        proxy: { host: proxyHost, port: proxyPort, type, ...(userId === undefined ? {} : { userId }), ...(password === undefined ? {} : { password }) },
        command: 'connect',
        destination: { host: unbracket(options.hostname), port: Number(options.port === '' ? defaultPort(options.protocol) : options.port) },
        existing_socket: socket
      })).then(({ socket: tunnel }) => {
        if (done()) tunnel.destroy()
        else tunnelled(tunnel)
      }, (err: unknown) => {
        socket.destroy()
        finish(err instanceof Error ? err : new Error(String(err)), null)
      })
    })
  }
}

/** Longest CONNECT answer head read before the proxy is called broken. */
const MAX_CONNECT_HEAD = 16 * 1024

/**
 * HTTP CONNECT tunnels (RFC 9110 §9.3.6) to an http:// or https:// proxy. Written here rather than taken from
 * undici's ProxyAgent: its CONNECT client has its own timeouts and, when a CONNECT is aborted, reconnects to the proxy
 * and keeps that idle socket; here the whole handshake runs under the gateway's connect deadline and an abort closes
 * the one socket it opened.
 */
function httpTunnelConnector (proxy: ProxyEndpoint, connectTimeoutMs: number): SignalledConnector {
  const toProxy = buildConnector({ timeout: connectTimeoutMs })
  const toOrigin = buildConnector({ timeout: connectTimeoutMs })
  const { url } = proxy
  const authorization = url.username === ''
    ? ''
    : `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}\r\n`
  const proxyOptions: ConnectOptions = {
    hostname: url.hostname,
    host: url.host,
    protocol: url.protocol,
    port: url.port === '' ? String(defaultPort(url.protocol)) : url.port,
    servername: unbracket(url.hostname)
  }
  return (options, callback) => {
    const { finish, hold, tunnelled, done } = tunnelSettler(options, callback, toOrigin)
    toProxy(proxyOptions, (err, connected) => {
      if (err !== null) { finish(err, null); return }
      if (done()) { connected.destroy(); return }
      hold(connected)
      const target = tunnelTarget(options.hostname, options.port, options.protocol)
      let head = Buffer.alloc(0)
      const onClose = (): void => { finish(new Error('the proxy closed the connection before answering CONNECT'), null) }
      const onError = (e: Error): void => { finish(e, null) }
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end === -1) {
          if (head.length > MAX_CONNECT_HEAD) { connected.destroy(); finish(new Error('the proxy sent an oversized CONNECT answer'), null) }
          return
        }
        connected.off('data', onData).off('close', onClose).off('error', onError)
        connected.pause()
        const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1')
        const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1] ?? NaN)
        if (!(status >= 200 && status < 300)) {
          connected.destroy()
          finish(new ProxyRefusal(Number.isNaN(status) ? 0 : status, statusLine.replace(/^HTTP\/\S+ /, '') || 'no status line'), null)
          return
        }
        if (end + 4 < head.length) connected.unshift(head.subarray(end + 4))
        tunnelled(connected)
      }
      connected.on('data', onData).on('close', onClose).on('error', onError)
      connected.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${authorization}\r\n`)
    })
  }
}

/** A dispatcher whose every connection is a tunnel through `proxy`, and the guard that opens those tunnels. */
export function proxyDispatcher (proxy: ProxyEndpoint, agentOptions: AgentOptions): { dispatcher: Dispatcher, guard: TunnelGuard } {
  const timeoutMs = agentOptions.connect.timeout
  const guard = new TunnelGuard(proxy, timeoutMs)
  const tunnel = proxy.kind === 'socks' ? socksConnector(proxy, timeoutMs) : httpTunnelConnector(proxy, timeoutMs)
  return { dispatcher: new Agent({ ...agentOptions, connect: guard.wrap(tunnel) }), guard }
}
