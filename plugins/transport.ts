import type { Dispatcher } from 'undici'
import { Agent } from './undici-lean.js'
import { classifyTransportError, ClientAbortError } from './upstream-errors.js'
import { GatewayError } from './gateway-error.js'
import { proxyDispatcher, ProxyTunnelError, tunnelTarget, type AgentOptions, type TunnelGuard } from './proxy-dispatchers.js'
import { defaultPort, NoProxy, proxyChoiceKey, type ProxyChoice, type ProxyEndpoint } from './proxy-settings.js'
import type { GatewayConfig } from '../schemas/config.js'

export interface TransportOptions {
  connectTimeoutMs: number
  /** Time allowed until the upstream's response headers (a stalled upstream). */
  headersTimeoutMs: number
  /** Longest silence allowed between two body chunks. */
  bodyTimeoutMs: number
  /** Replaces the whole dispatcher (tests, embedding apps with their own agent). Not closed by us; no proxy. */
  dispatcher?: Dispatcher
  /** Where failed proxy tunnels are reported (the gateway's logger). */
  log?: { warn: (obj: object, msg: string) => void }
}

/** The transport settings of a configuration (timeouts). Proxies are chosen per provider: see `withProxy`. */
export function transportOptions (c: GatewayConfig): TransportOptions {
  return {
    connectTimeoutMs: c.UPSTREAM_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: c.UPSTREAM_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: c.UPSTREAM_BODY_TIMEOUT_MS
  }
}

export interface UpstreamRequest {
  url: string
  method?: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string | Buffer
  signal: AbortSignal
}

export type UpstreamBody = Dispatcher.ResponseData['body']

export interface UpstreamResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: UpstreamBody
}

/** A proxy's dispatcher and the guard of its tunnels. */
interface ProxyRoute {
  proxy: ProxyEndpoint
  dispatcher: Dispatcher
  guard: TunnelGuard
}

/** An upstream URL split once, with the route its origin takes. */
interface Target {
  origin: string
  path: string
  /** host:port, as tunnels are keyed. */
  tunnel: string
  via?: ProxyRoute
}

/** The dispatchers of one gateway: one direct agent, one per proxy; shared by every provider's Transport. */
class Dispatchers {
  readonly direct: Dispatcher
  /** Whether `direct` is ours to close (not a dispatcher the options passed in). */
  private readonly owned: boolean
  private readonly agentOptions: AgentOptions
  private readonly proxies = new Map<string, ProxyRoute>()
  readonly byChoice = new Map<string, Transport>()

  constructor (opts: TransportOptions, readonly root: Transport) {
    this.agentOptions = {
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: 256
    }
    this.owned = opts.dispatcher === undefined
    this.direct = opts.dispatcher ?? new Agent(this.agentOptions)
  }

  proxy (endpoint: ProxyEndpoint): ProxyRoute {
    let route = this.proxies.get(endpoint.url.href)
    if (route === undefined) {
      route = { proxy: endpoint, ...proxyDispatcher(endpoint, this.agentOptions) }
      this.proxies.set(endpoint.url.href, route)
    }
    return route
  }

  /** Tunnels begun through each proxy, by its masked URL (tests bound them). */
  tunnelCounts (): Map<string, { connects: number, opening: number }> {
    return new Map([...this.proxies.values()].map(r => [r.proxy.label, { connects: r.guard.connects, opening: r.guard.opening }]))
  }

  async close (): Promise<void> {
    if (this.owned) await this.direct.close()
    await Promise.all([...this.proxies.values()].map(async r => { await r.dispatcher.close() }))
  }
}

/** Past the connect and headers timeouts, the per-attempt deadline waits this much before it calls the proxy stuck. */
const DEADLINE_SLACK_MS = 1000
const NO_PROXY_CHOICE: ProxyChoice = { noProxy: new NoProxy(''), source: 'none' }

/**
 * The one place upstream HTTP happens: keep-alive undici agents (one connection pool per origin), timeouts from
 * config, an upstream proxy chosen per provider (`withProxy`), and transport failures turned into GatewayErrors
 * (timeouts 504, unreachable 502, a failed proxy named in both).
 */
export class Transport {
  private readonly dispatchers: Dispatchers
  private readonly choice: ProxyChoice

  constructor (private readonly opts: TransportOptions, shared?: Dispatchers, choice: ProxyChoice = NO_PROXY_CHOICE) {
    this.dispatchers = shared ?? new Dispatchers(opts, this)
    this.choice = choice
  }

  /** The direct dispatcher (or the one the options replaced it with). */
  get dispatcher (): Dispatcher {
    return this.dispatchers.direct
  }

  /**
   * A transport that sends through `choice`'s proxies (sharing this one's connection pools). A replaced dispatcher
   * (tests, an embedding app's agent) is used as given: it owns its own routing.
   */
  withProxy (choice: ProxyChoice): Transport {
    if (this.opts.dispatcher !== undefined || (choice.http === undefined && choice.https === undefined)) return this.dispatchers.root
    const key = proxyChoiceKey(choice)
    let transport = this.dispatchers.byChoice.get(key)
    if (transport === undefined) {
      transport = new Transport(this.opts, this.dispatchers, choice)
      this.dispatchers.byChoice.set(key, transport)
    }
    return transport
  }

  /** Tunnels begun through each proxy, by its masked URL. */
  tunnelCounts (): Map<string, { connects: number, opening: number }> {
    return this.dispatchers.tunnelCounts()
  }

  /** Upstream URLs, split once: they are a configured base URL and a few operations, asked for on every request. */
  private readonly targets = new Map<string, Target>()
  private split (raw: string): Target {
    let target = this.targets.get(raw)
    if (target === undefined) {
      const url = new URL(raw)
      const proxy = url.protocol === 'https:' ? this.choice.https : this.choice.http
      const port = url.port === '' ? defaultPort(url.protocol) : Number(url.port)
      const direct = proxy === undefined || this.choice.noProxy.exempts(url.hostname, port)
      target = {
        origin: url.origin,
        path: url.pathname + url.search,
        tunnel: tunnelTarget(url.hostname, url.port, url.protocol),
        ...(direct ? {} : { via: this.dispatchers.proxy(proxy) })
      }
      // Bounded: a model name can be part of a URL (Gemini), and clients choose model names.
      if (this.targets.size >= 1024) this.targets.clear()
      this.targets.set(raw, target)
    }
    return target
  }

  async request (req: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      const target = this.split(req.url)
      const res = target.via === undefined
        ? await dispatch(this.dispatchers.direct, target, req, req.signal)
        : await this.throughProxy(target, target.via, req)
      return { status: res.statusCode, headers: res.headers, body: res.body }
    } catch (err) {
      throw classifyTransportError(err, req.signal)
    }
  }

  /**
   * A call through a proxy, bounded whatever the proxy does: a deadline for the response headers (connect + headers
   * timeouts), an answer the moment the client leaves (undici keeps a request that waits for a connection until a
   * connection exists), and the proxy's unfinished tunnels dropped when no request waits for them any more.
   */
  private async throughProxy (target: Target, route: ProxyRoute, req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const deadline = new AbortController()
    const deadlineMs = this.opts.connectTimeoutMs + this.opts.headersTimeoutMs + DEADLINE_SLACK_MS
    const timer = setTimeout(() => { deadline.abort() }, deadlineMs)
    const signal = AbortSignal.any([req.signal, deadline.signal])
    route.guard.enter(target.tunnel)
    try {
      return await untilAborted(dispatch(route.dispatcher, target, req, signal), signal)
    } catch (err) {
      throw this.proxyFailure(err, route, target, req.signal, deadline.signal, deadlineMs)
    } finally {
      clearTimeout(timer)
      route.guard.leave(target.tunnel, signal.aborted)
    }
  }

  private proxyFailure (err: unknown, route: ProxyRoute, target: Target, client: AbortSignal, deadline: AbortSignal, deadlineMs: number): Error {
    if (client.aborted) return new ClientAbortError()
    const tunnel = findTunnelError(err)
    let failure: Error
    if (tunnel !== undefined) {
      failure = new GatewayError({
        kind: tunnel.timedOut ? 'timeout' : 'bad_gateway',
        status: tunnel.timedOut ? 504 : 502,
        code: tunnel.timedOut ? 'upstream_proxy_timeout' : 'upstream_proxy_failed',
        message: `The upstream proxy ${route.proxy.label} ${tunnel.reason}`,
        // A proxy that wants other credentials will want them on every retry too.
        ...(tunnel.proxyStatus === 407 ? { shouldRetry: false } : {}),
        cause: err
      })
    } else if (deadline.aborted) {
      failure = new GatewayError({
        kind: 'timeout',
        status: 504,
        code: 'upstream_proxy_timeout',
        message: `The upstream proxy ${route.proxy.label} gave no answer from ${target.tunnel} within ${deadlineMs} ms`,
        cause: err
      })
    } else {
      return classifyTransportError(err, client)
    }
    this.opts.log?.warn({ proxy: route.proxy.label, target: target.tunnel, err: failure.message }, 'upstream proxy failed')
    return failure
  }

  /** Closes every dispatcher this transport and its proxied siblings opened (not a replaced one). */
  async close (): Promise<void> {
    await this.dispatchers.close()
  }
}

/**
 * Sends through `dispatcher`. Not async, so the direct path awaits undici's own promise and no wrapper around it.
 * undici's top-level request() only splits the URL and calls this (it lives in the index we do not load).
 */
function dispatch (dispatcher: Dispatcher, target: Target, req: UpstreamRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return dispatcher.request({
    origin: target.origin,
    path: target.path,
    method: req.method ?? 'POST',
    headers: req.headers,
    body: req.body,
    signal
  })
}

/** Settles with `pending`, or rejects as soon as `signal` aborts (a late response's body is then discarded). */
async function untilAborted (pending: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return await new Promise<Dispatcher.ResponseData>((resolve, reject) => {
    const onAbort = (): void => {
      pending.then(res => { res.body.destroy() }, () => {})
      reject(signal.reason)
    }
    if (signal.aborted) { onAbort(); return }
    signal.addEventListener('abort', onAbort, { once: true })
    pending.then(res => {
      signal.removeEventListener('abort', onAbort)
      resolve(res)
    }, (err: unknown) => {
      signal.removeEventListener('abort', onAbort)
      reject(err)
    })
  })
}

function findTunnelError (err: unknown): ProxyTunnelError | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof ProxyTunnelError) return e
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
