import type { Protocol } from '../../schemas/canonical.js'
import type { Transport, UpstreamResponse } from '../../plugins/transport.js'
import { readBodyText, upstreamHttpError, type UpstreamErrorDetails } from '../../plugins/upstream-errors.js'

export interface JsonCall {
  url: string
  headers: Record<string, string>
  body?: unknown
  /** Bytes to send instead of serializing `body` (an unchanged passthrough body). */
  rawBody?: Buffer
  method?: 'GET' | 'POST'
  signal: AbortSignal
  /** The upstream's protocol, recorded on errors so a same-protocol surface can forward the body verbatim. */
  protocol?: Protocol
  /** Reads the provider's error body (message, retry hints, kind overrides). */
  errorDetails: (status: number, bodyText: string) => UpstreamErrorDetails
}

/** Sends a request and returns the response only when it succeeded; any other status becomes a GatewayError. */
export async function callUpstream (transport: Transport, call: JsonCall): Promise<UpstreamResponse> {
  const res = await transport.request({
    url: call.url,
    method: call.method ?? 'POST',
    headers: call.body === undefined ? call.headers : { 'content-type': 'application/json', ...call.headers },
    ...(call.body === undefined ? {} : { body: call.rawBody ?? JSON.stringify(call.body) }),
    signal: call.signal
  })
  if (res.status >= 200 && res.status < 300) return res
  const text = await readBodyText(res.body)
  throw upstreamHttpError(res.status, res.headers, text, call.protocol, call.errorDetails(res.status, text))
}

/** Reads a successful JSON response body as `unknown` (callers narrow it). */
export async function readJson (res: UpstreamResponse): Promise<unknown> {
  return await res.body.json()
}

/** Joins a base URL and a path without doubling or losing slashes. */
export function joinUrl (base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`)
}

/** The response headers worth relaying to the client on passthrough (content type and request ids). */
export function relayHeaders (headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['content-type', 'x-request-id', 'request-id', 'openai-processing-ms', 'anthropic-ratelimit-requests-remaining']) {
    const value = headers[name]
    if (typeof value === 'string') out[name] = value
  }
  return out
}
