import type { FinishReason } from '../canonical.js'

/**
 * Gemini finishReason ↔ canonical (FORMATS.md §7, finish reasons). Used by the surface (encode) and the
 * provider (decode) so both sides agree.
 */

const CONTENT_FILTER = new Set([
  'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'LANGUAGE',
  'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION'
])

/** Upstream-side failures: the model produced something unusable. */
const FAILURES = new Set([
  'OTHER', 'MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MALFORMED_RESPONSE',
  'IMAGE_OTHER'
])

/**
 * Canonical reason for a Gemini finishReason. Gemini ends tool-calling turns with STOP, so the presence of
 * functionCall parts is checked first; a token cap still wins over it (the calls may be truncated).
 */
export function fromGeminiFinishReason (reason: string | undefined, hasFunctionCall: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length'
  if (reason !== undefined && CONTENT_FILTER.has(reason)) return 'content_filter'
  if (reason !== undefined && FAILURES.has(reason)) return 'error'
  if (hasFunctionCall) return 'tool_calls'
  // CONTINUATION means the answer was cut and could be resumed: closest is the token cap.
  if (reason === 'CONTINUATION') return 'length'
  return 'stop'
}

/** Gemini finishReason for a canonical reason (function calls end with STOP, as Gemini's own do). */
export function toGeminiFinishReason (reason: FinishReason): string {
  switch (reason) {
    case 'length':
    case 'context_window':
      return 'MAX_TOKENS'
    case 'content_filter':
      return 'SAFETY'
    case 'error':
      return 'OTHER'
    default:
      return 'STOP'
  }
}
