import type { FinishReason } from '../canonical.js'

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call'

/** Canonical → OpenAI (FORMATS.md §7): OpenAI has no separate reasons for stop strings, pauses or errors. */
export function toOpenAIFinishReason (reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'length': case 'context_window': return 'length'
    case 'tool_calls': return 'tool_calls'
    case 'content_filter': return 'content_filter'
    default: return 'stop'
  }
}

/** OpenAI (or an OpenAI-compatible upstream) → canonical; undefined for null/absent. */
export function fromOpenAIFinishReason (value: unknown): FinishReason | undefined {
  switch (value) {
    case undefined: case null: case '': return undefined
    case 'length': return 'length'
    case 'tool_calls': case 'function_call': return 'tool_calls'
    case 'content_filter': return 'content_filter'
    // 'stop', 'eos' (some local servers) and anything unknown is a natural end.
    default: return 'stop'
  }
}
