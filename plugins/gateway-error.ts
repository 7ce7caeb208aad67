import type { Protocol } from '../schemas/canonical.js'

/**
 * Protocol-neutral error kinds. Each surface renders a kind in its own vocabulary (OpenAI type/code, Anthropic
 * error.type, Google status); see FORMATS.md §7.
 */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'billing'
  | 'not_found'
  | 'conflict'
  | 'request_too_large'
  | 'rate_limit'
  | 'internal'
  | 'upstream_error'
  | 'overloaded'
  | 'unavailable'
  | 'timeout'
  | 'bad_gateway'

export interface UpstreamFailure {
  /** HTTP status the upstream answered (0 when it never answered). */
  status: number
  /** The upstream body text, already free of secrets (upstreams do not echo keys). */
  body?: string
  /** The upstream's protocol: a surface of the same protocol may forward the body verbatim. */
  protocol?: Protocol
  headers?: Record<string, string>
}

/**
 * Why the gateway answered on its own without an upstream's answer to pass on (counted by reason in
 * switchboard_local_refusals_total): every member tried failed in different ways, every member is at the
 * operator's concurrency limit, no enabled member serves the model, nothing is configured, or a client key's limit.
 */
export type RefusalReason = 'all_failed' | 'concurrency_limit' | 'no_member_for_model' | 'no_provider' | 'client_rate_limit' | 'client_model'

export interface GatewayErrorOptions {
  kind: ErrorKind
  status: number
  message: string
  /** OpenAI-style `param` naming the bad field. */
  param?: string
  /** OpenAI-style machine code (model_not_found, invalid_api_key…). */
  code?: string
  /** Seconds the client should wait, sent as Retry-After. */
  retryAfter?: number
  /** false adds `x-should-retry: false`: retrying cannot help (exhausted quota, exhausted pool). */
  shouldRetry?: boolean
  /** The failure is tied to the credential used (auth, quota), so another credential may succeed. */
  credentialScoped?: boolean
  upstream?: UpstreamFailure
  /** Set when this is a local refusal (no upstream answer is being passed on). */
  refusal?: RefusalReason
  cause?: unknown
}

/** The one error type that crosses the gateway: providers throw it, the error handler renders it. */
export class GatewayError extends Error {
  readonly kind: ErrorKind
  readonly status: number
  readonly param?: string
  readonly code?: string
  readonly retryAfter?: number
  readonly shouldRetry?: boolean
  readonly credentialScoped: boolean
  readonly upstream?: UpstreamFailure
  readonly refusal?: RefusalReason

  constructor (opts: GatewayErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'GatewayError'
    this.kind = opts.kind
    this.status = opts.status
    if (opts.param !== undefined) this.param = opts.param
    if (opts.code !== undefined) this.code = opts.code
    if (opts.retryAfter !== undefined) this.retryAfter = opts.retryAfter
    if (opts.shouldRetry !== undefined) this.shouldRetry = opts.shouldRetry
    this.credentialScoped = opts.credentialScoped ?? false
    if (opts.upstream !== undefined) this.upstream = opts.upstream
    if (opts.refusal !== undefined) this.refusal = opts.refusal
  }
}

export function isGatewayError (err: unknown): err is GatewayError {
  return err instanceof GatewayError
}

/** Kind for an HTTP status, used for upstream statuses and for our own errors alike. */
export function kindForStatus (status: number): ErrorKind {
  switch (status) {
    case 400: case 422: return 'invalid_request'
    case 401: return 'authentication'
    case 402: return 'billing'
    case 403: return 'permission'
    case 404: return 'not_found'
    case 409: return 'conflict'
    case 413: return 'request_too_large'
    case 429: return 'rate_limit'
    case 502: return 'bad_gateway'
    case 503: return 'unavailable'
    case 529: return 'overloaded'
    case 504: return 'timeout'
    default: return status >= 500 ? 'upstream_error' : 'invalid_request'
  }
}

export function invalidRequest (message: string, param?: string): GatewayError {
  return new GatewayError({ kind: 'invalid_request', status: 400, message, ...(param === undefined ? {} : { param }) })
}

export function notFound (message: string, code?: string): GatewayError {
  return new GatewayError({ kind: 'not_found', status: 404, message, ...(code === undefined ? {} : { code }) })
}

export function internalError (message: string, cause?: unknown): GatewayError {
  return new GatewayError({ kind: 'internal', status: 500, message, cause })
}
