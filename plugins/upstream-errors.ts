import type { Protocol } from '../schemas/canonical.js'
import { GatewayError, isGatewayError, kindForStatus } from './gateway-error.js'

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
])

function errorCode (err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') return code
  const cause = (err as { cause?: unknown }).cause
  return cause === undefined ? undefined : errorCode(cause)
}

/** The client went away (or the gateway's own deadline fired): not an upstream fault. */
export class ClientAbortError extends Error {
  constructor () {
    super('The client closed the connection')
    this.name = 'ClientAbortError'
  }
}

/** Classifies a failure of the HTTP exchange itself (no upstream status): timeouts, resets, refused connections. */
export function classifyTransportError (err: unknown, signal?: AbortSignal): Error {
  if (isGatewayError(err)) return err
  if (signal?.aborted === true) return new ClientAbortError()
  const code = errorCode(err)
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new GatewayError({ kind: 'timeout', status: 504, message: 'The upstream provider did not answer in time', code: 'upstream_timeout', cause: err })
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new GatewayError({ kind: 'bad_gateway', status: 502, message: `The upstream provider could not be reached (${code})`, code: 'upstream_unreachable', cause: err })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new GatewayError({ kind: 'bad_gateway', status: 502, message: `Upstream request failed: ${message}`, code: 'upstream_error', cause: err })
}

/** Parses Retry-After (seconds or HTTP date) and the non-standard retry-after-ms into whole seconds. */
export function parseRetryAfter (headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = first(headers['retry-after-ms'])
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Math.ceil(Number(ms) / 1000))
  const value = first(headers['retry-after'])
  if (value === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}

function first (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Parses a Google duration ("7500s", "1.5s") or a quota delay ("2h5m", "30m0s", "250ms") into seconds. */
export function parseDurationSeconds (text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?s$/.test(trimmed)) return Math.ceil(Number(trimmed.slice(0, -1)))
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g
  let total = 0
  let matched = false
  for (const m of trimmed.matchAll(re)) {
    matched = true
    const n = Number(m[1])
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000
  }
  return matched ? Math.ceil(total) : undefined
}

export interface UpstreamErrorDetails {
  message?: string
  /** Overrides Retry-After from headers (e.g. Gemini RetryInfo). */
  retryAfter?: number
  /** Overrides the status-derived kind (e.g. Kiro's monthly quota → billing). */
  kind?: GatewayError['kind']
  status?: number
  code?: string
  shouldRetry?: boolean
}

/**
 * Builds the GatewayError for a non-2xx upstream answer. `details` is what the provider's own errors.ts read out
 * of the body; the raw body is kept so a same-protocol surface can forward it verbatim.
 */
export function upstreamHttpError (
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  protocol: Protocol | undefined,
  details: UpstreamErrorDetails = {}
): GatewayError {
  const retryAfter = details.retryAfter ?? parseRetryAfter(headers)
  const finalStatus = details.status ?? status
  const kind = details.kind ?? kindForStatus(finalStatus)
  const flatHeaders: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flatHeaders[k] = Array.isArray(v) ? v.join(', ') : v
  return new GatewayError({
    kind,
    status: finalStatus,
    message: details.message ?? `Upstream returned HTTP ${status}`,
    ...(details.code === undefined ? {} : { code: details.code }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(details.shouldRetry === undefined ? {} : { shouldRetry: details.shouldRetry }),
    // The provider's reading wins: Gemini's invalid key arrives as 400 but is an authentication failure.
    credentialScoped: kind === 'authentication' || kind === 'permission' || kind === 'billing' || kind === 'rate_limit',
    upstream: { status, body, ...(protocol === undefined ? {} : { protocol }), headers: flatHeaders }
  })
}

/** Reads an upstream error body as text with a size cap, so a huge error page cannot exhaust memory. */
export async function readBodyText (body: AsyncIterable<Uint8Array>, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    if (size < limit) {
      const buf = Buffer.from(chunk)
      chunks.push(buf.subarray(0, limit - size))
      size += buf.length
    }
  }
  return Buffer.concat(chunks).toString('utf8')
}
