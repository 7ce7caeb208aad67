import type { Dispatcher } from 'undici'
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undici-lean.js'
import { classifyTransportError } from './upstream-errors.js'
import type { GatewayConfig } from '../schemas/config.js'

export interface TransportOptions {
  connectTimeoutMs: number
  /** Time allowed until the upstream's response headers (a stalled upstream). */
  headersTimeoutMs: number
  /** Longest silence allowed between two body chunks. */
  bodyTimeoutMs: number
  /** Explicit proxy for every upstream call; otherwise HTTP_PROXY/HTTPS_PROXY/NO_PROXY from the environment. */
  proxyUrl?: string
  /** Replaces the whole dispatcher (tests, embedding apps with their own agent). Not closed by us. */
  dispatcher?: Dispatcher
}

/** The transport settings of a configuration (timeouts, proxy). */
export function transportOptions (c: GatewayConfig): TransportOptions {
  return {
    connectTimeoutMs: c.UPSTREAM_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: c.UPSTREAM_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: c.UPSTREAM_BODY_TIMEOUT_MS,
    ...(c.PROXY_URL === undefined ? {} : { proxyUrl: c.PROXY_URL })
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

function hasProxyEnv (): boolean {
  const env = process.env
  return Boolean(env.HTTP_PROXY ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.https_proxy)
}

/**
 * The one place upstream HTTP happens: a keep-alive undici agent (one connection pool per origin), timeouts from
 * config, proxy support, and transport failures turned into GatewayErrors (timeouts 504, unreachable 502).
 */
export class Transport {
  readonly dispatcher: Dispatcher
  private readonly owned: boolean

  constructor (opts: TransportOptions) {
    if (opts.dispatcher !== undefined) {
      this.dispatcher = opts.dispatcher
      this.owned = false
      return
    }
    const common = {
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: 256
    }
    if (opts.proxyUrl !== undefined && opts.proxyUrl !== '') {
      this.dispatcher = new ProxyAgent({ uri: opts.proxyUrl, ...common })
    } else if (hasProxyEnv()) {
      this.dispatcher = new EnvHttpProxyAgent(common)
    } else {
      this.dispatcher = new Agent(common)
    }
    this.owned = true
  }

  /** Upstream URLs, split once: they are a configured base URL and a few operations, asked for on every request. */
  private readonly targets = new Map<string, { origin: string, path: string }>()
  private split (raw: string): { origin: string, path: string } {
    let target = this.targets.get(raw)
    if (target === undefined) {
      const url = new URL(raw)
      target = { origin: url.origin, path: url.pathname + url.search }
      // Bounded: a model name can be part of a URL (Gemini), and clients choose model names.
      if (this.targets.size >= 1024) this.targets.clear()
      this.targets.set(raw, target)
    }
    return target
  }

  async request (req: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      // undici's top-level request() only splits the URL and calls this (it lives in the index we do not load).
      const target = this.split(req.url)
      const res = await this.dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: req.method ?? 'POST',
        headers: req.headers,
        body: req.body,
        signal: req.signal
      })
      return { status: res.statusCode, headers: res.headers, body: res.body }
    } catch (err) {
      throw classifyTransportError(err, req.signal)
    }
  }

  async close (): Promise<void> {
    if (this.owned) await this.dispatcher.close()
  }
}
