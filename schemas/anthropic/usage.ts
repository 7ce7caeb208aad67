import type { Usage } from '../canonical.js'
import { isRecord } from '../json-text.js'

/** Anthropic usage counters: `input_tokens` excludes the cache reads and writes (FORMATS.md §7 Usage). */
export interface ClaudeUsage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  /** Newer API versions: the reasoning share of output_tokens. */
  output_tokens_details?: { thinking_tokens: number }
}

/** Canonical (total input) → Anthropic (uncached input plus the two cache counters). */
export function toClaudeUsage (usage: Usage): ClaudeUsage {
  const cacheRead = usage.cacheReadTokens ?? 0
  const cacheWrite = usage.cacheWriteTokens ?? 0
  const out: ClaudeUsage = {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead
  }
  if (usage.reasoningTokens !== undefined) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens }
  return out
}

function count (value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/**
 * Anthropic usage object (unknown, narrowed) → the canonical counters it carries. Fields it lacks stay undefined,
 * so stream decoders can merge a partial `message_delta` usage into what `message_start` said.
 */
export function fromClaudeUsage (raw: unknown): Partial<Usage> {
  if (!isRecord(raw)) return {}
  const u = raw
  const input = count(u.input_tokens)
  const cacheWrite = count(u.cache_creation_input_tokens)
  const cacheRead = count(u.cache_read_input_tokens)
  const output = count(u.output_tokens)
  const out: Partial<Usage> = {}
  if (input !== undefined || cacheWrite !== undefined || cacheRead !== undefined) {
    out.inputTokens = (input ?? 0) + (cacheWrite ?? 0) + (cacheRead ?? 0)
  }
  if (output !== undefined) out.outputTokens = output
  if (cacheRead !== undefined) out.cacheReadTokens = cacheRead
  if (cacheWrite !== undefined) out.cacheWriteTokens = cacheWrite
  const thinking = isRecord(u.output_tokens_details) ? count(u.output_tokens_details.thinking_tokens) : undefined
  if (thinking !== undefined) out.reasoningTokens = thinking
  return out
}
