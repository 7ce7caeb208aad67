import type { GatewayError } from '../../../plugins/gateway-error.js'
import { kindForStatus } from '../../../plugins/gateway-error.js'
import type { RenderedError } from '../../surface-codec.js'
import { claudeErrorTypeFor, kindForClaudeErrorType } from '../../../schemas/anthropic/error-types.js'
import { isRecord } from '../../../schemas/json-text.js'

export interface ClaudeErrorBody {
  type: 'error'
  error: { type: string, message: string }
  request_id: string | null
}

/** An Anthropic error body, when `text` is one (`{"type":"error","error":{"type","message"}}`). */
export function parseClaudeErrorBody (text: string | undefined): Record<string, unknown> & { error: { type: string, message: string } } | undefined {
  if (text === undefined || text === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isRecord(value) || value.type !== 'error' || !isRecord(value.error)) return undefined
  const { type, message } = value.error
  if (typeof type !== 'string' || typeof message !== 'string') return undefined
  return { ...value, error: { ...value.error, type, message } }
}

/** The Anthropic error type for an in-stream error event: the upstream's own when it is an Anthropic one. */
export function claudeTypeForStreamError (status: number, errorType: string | undefined): string {
  if (errorType !== undefined && kindForClaudeErrorType(errorType) !== undefined) return errorType
  return claudeErrorTypeFor(kindForStatus(status))
}

function errorHeaders (err: GatewayError): Record<string, string> {
  const headers: Record<string, string> = {}
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter)
  if (err.shouldRetry === false) headers['x-should-retry'] = 'false'
  return headers
}

/**
 * GatewayError → Anthropic error response (FORMATS.md §3, §7). An Anthropic upstream's own error body is forwarded
 * as it came (parsed, so the JSON serializer sends it with the right content type). `request_id` is the upstream's
 * request-id when there is one, else null; the error handler may fill in the gateway's own.
 */
export function renderClaudeError (err: GatewayError): RenderedError {
  const headers = errorHeaders(err)
  const upstream = err.upstream
  if (upstream?.protocol === 'anthropic') {
    const forwarded = parseClaudeErrorBody(upstream.body)
    if (forwarded !== undefined) return { status: err.status, headers, body: forwarded }
  }
  const body: ClaudeErrorBody = {
    type: 'error',
    error: { type: claudeErrorTypeFor(err.kind), message: err.message },
    request_id: upstream?.headers?.['request-id'] ?? null
  }
  return { status: err.status, headers, body }
}
