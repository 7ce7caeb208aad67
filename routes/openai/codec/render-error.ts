import type { RenderedError } from '../../surface-codec.js'
import type { ErrorKind, GatewayError } from '../../../plugins/gateway-error.js'
import { isRecord } from '../../../schemas/json-text.js'

export interface OpenAIErrorObject {
  message: string
  type: string
  param: string | null
  code: string | null
}

/** FORMATS.md §7: OpenAI's error type and default code for each kind. */
const BY_KIND: Readonly<Record<ErrorKind, { type: string, code: string | null }>> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission: { type: 'invalid_request_error', code: 'permission_denied' },
  billing: { type: 'insufficient_quota', code: 'insufficient_quota' },
  not_found: { type: 'invalid_request_error', code: 'model_not_found' },
  conflict: { type: 'invalid_request_error', code: null },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
  internal: { type: 'server_error', code: null },
  upstream_error: { type: 'server_error', code: null },
  overloaded: { type: 'server_error', code: 'overloaded' },
  unavailable: { type: 'server_error', code: null },
  timeout: { type: 'server_error', code: null },
  bad_gateway: { type: 'server_error', code: null }
}

export function errorObjectFor (kind: ErrorKind, message: string, code?: string, param?: string): OpenAIErrorObject {
  const defaults = BY_KIND[kind]
  return { message, type: defaults.type, param: param ?? null, code: code ?? defaults.code }
}

/** The upstream's own error object when an OpenAI-compatible upstream sent one: forwarded as is. */
export function upstreamOpenAIError (err: GatewayError): Record<string, unknown> | undefined {
  const upstream = err.upstream
  if ((upstream?.protocol !== 'openai' && upstream?.protocol !== 'responses') || upstream.body === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(upstream.body)
    return isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === 'string' ? parsed : undefined
  } catch {
    return undefined
  }
}

/** A GatewayError as OpenAI's error body `{"error":{message,type,param,code}}`. */
export function openAIErrorBody (err: GatewayError): Record<string, unknown> {
  return upstreamOpenAIError(err) ?? { error: errorObjectFor(err.kind, err.message, err.code, err.param) }
}

export function renderOpenAIError (err: GatewayError): RenderedError {
  const headers: Record<string, string> = {}
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter)
  if (err.shouldRetry === false) headers['x-should-retry'] = 'false'
  return { status: err.status, headers, body: openAIErrorBody(err) }
}
