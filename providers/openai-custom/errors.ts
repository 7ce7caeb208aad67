import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import { isRecord } from '../../schemas/json-text.js'

function text (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The error object inside an upstream error body. OpenAI nests it under `error`; compatible servers also send
 * `{"error":"text"}`, vLLM's top-level `{"object":"error","message",…}`, FastAPI's `{"detail":…}`, or a one-element
 * array (Gemini's compatibility endpoint).
 */
export function openaiErrorObject (parsed: unknown): Record<string, unknown> | undefined {
  const value = Array.isArray(parsed) ? parsed[0] : parsed
  if (!isRecord(value)) return undefined
  if (isRecord(value.error)) return value.error
  if (typeof value.error === 'string') return { message: value.error }
  if (typeof value.detail === 'string') return { message: value.detail }
  return value
}

/** What an OpenAI-compatible error body says: its message and code. Exhausted quota is not worth retrying. */
export function openaiErrorDetails (bodyText: string): UpstreamErrorDetails {
  let parsed: unknown
  try {
    parsed = JSON.parse(bodyText)
  } catch {
    return {}
  }
  const error = openaiErrorObject(parsed)
  if (error === undefined) return {}
  const details: UpstreamErrorDetails = {}
  const message = text(error.message)
  if (message !== undefined) details.message = message
  const code = text(error.code)
  if (code !== undefined) details.code = code
  if (code === 'insufficient_quota' || error.type === 'insufficient_quota') details.shouldRetry = false
  return details
}

/** HTTP status for an error that arrived inside a 200 stream: its numeric code, else guessed from its type. */
export function openaiStreamErrorStatus (error: Record<string, unknown>): number {
  const code = typeof error.code === 'string' && /^\d{3}$/.test(error.code) ? Number(error.code) : error.code
  if (typeof code === 'number' && code >= 400 && code <= 599) return code
  const kind = `${String(error.type ?? '')} ${String(error.code ?? '')}`
  if (/rate_limit|insufficient_quota|too_many/i.test(kind)) return 429
  if (/invalid_request|bad_request/i.test(kind)) return 400
  if (/overloaded|unavailable/i.test(kind)) return 503
  if (/server_error|internal/i.test(kind)) return 500
  return 502
}
