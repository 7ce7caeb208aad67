import type { ErrorKind, GatewayError } from '../../../plugins/gateway-error.js'
import type { RenderedError } from '../../surface-codec.js'

/** OpenAI's error vocabulary (FORMATS.md §7), the same for Chat Completions and Responses. */
const TYPES: Record<ErrorKind, { type: string, code: string | null }> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission: { type: 'invalid_request_error', code: 'permission_denied' },
  billing: { type: 'insufficient_quota', code: 'insufficient_quota' },
  not_found: { type: 'invalid_request_error', code: null },
  conflict: { type: 'invalid_request_error', code: 'conflict' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
  internal: { type: 'server_error', code: 'server_error' },
  upstream_error: { type: 'server_error', code: 'server_error' },
  overloaded: { type: 'server_error', code: 'server_overloaded' },
  unavailable: { type: 'server_error', code: 'server_unavailable' },
  timeout: { type: 'server_error', code: 'timeout' },
  bad_gateway: { type: 'server_error', code: 'bad_gateway' }
}

export interface OpenAiErrorBody { message: string, type: string, param: string | null, code: string | null }

export function openAiError (err: GatewayError): OpenAiErrorBody {
  const { type, code } = TYPES[err.kind]
  return { message: err.message, type, param: err.param ?? null, code: err.code ?? code }
}

/** The upstream's own error body when it already speaks OpenAI's shape: forwarded verbatim, it says the most. */
function upstreamBody (err: GatewayError): unknown {
  const upstream = err.upstream
  if (upstream?.body === undefined || (upstream.protocol !== 'responses' && upstream.protocol !== 'openai')) return undefined
  try {
    const body: unknown = JSON.parse(upstream.body)
    const inner = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined
    return typeof inner === 'object' && inner !== null && typeof (inner as { message?: unknown }).message === 'string' ? body : undefined
  } catch {
    return undefined
  }
}

export function renderResponsesError (err: GatewayError): RenderedError {
  const headers: Record<string, string> = {}
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter)
  if (err.shouldRetry === false) headers['x-should-retry'] = 'false'
  return { status: err.status, headers, body: upstreamBody(err) ?? { error: openAiError(err) } }
}
