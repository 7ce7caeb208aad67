import type { Extras } from '../canonical.js'
import { isRecord } from '../json-text.js'

/**
 * Notes the OpenAI surface decoder leaves for the OpenAI upstream encoder and for its own response encoders. They
 * ride in `extras.openai` under one reserved key, which the upstream encoder removes: every other key of
 * `extras.openai` is a client field that is restored verbatim.
 */
export interface OpenAIHints {
  /** The client used legacy `functions`/`function_call`: answer with `message.function_call`. */
  legacyFunctions?: boolean
  /** The client sent assistant `reasoning_content`: echo reasoning back upstream (DeepSeek thinking with tools). */
  reasoningContent?: boolean
  /** The length cap arrived as `max_tokens` only (older OpenAI-compatible servers know no other). */
  maxTokensField?: 'max_tokens'
}

export const OPENAI_HINTS_KEY = 'x-switchboard-hints'

export function readOpenAIHints (extras: Extras | undefined): OpenAIHints {
  const value = extras?.openai?.[OPENAI_HINTS_KEY]
  if (!isRecord(value)) return {}
  const hints: OpenAIHints = {}
  if (value.legacyFunctions === true) hints.legacyFunctions = true
  if (value.reasoningContent === true) hints.reasoningContent = true
  if (value.maxTokensField === 'max_tokens') hints.maxTokensField = 'max_tokens'
  return hints
}

/** The client fields kept in `extras.openai`, without the hints. */
export function openAIExtraFields (extras: Extras | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(extras?.openai ?? {})) if (key !== OPENAI_HINTS_KEY) out[key] = value
  return out
}
