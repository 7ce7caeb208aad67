import type { Usage } from '../canonical.js'
import { isRecord } from '../json-text.js'

export interface OpenAIUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details: { cached_tokens: number }
  completion_tokens_details: { reasoning_tokens: number }
}

/** Canonical usage → OpenAI's. Cache writes have no OpenAI field; they stay counted in prompt_tokens. */
export function toOpenAIUsage (usage: Usage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 }
  }
}

function count (value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

/** An upstream's usage object → canonical; undefined when it is absent or null. */
export function fromOpenAIUsage (value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined
  const usage: Usage = { inputTokens: count(value.prompt_tokens) ?? 0, outputTokens: count(value.completion_tokens) ?? 0 }
  const prompt = isRecord(value.prompt_tokens_details) ? value.prompt_tokens_details : {}
  const completion = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {}
  // DeepSeek reports cache hits at the top level instead of in prompt_tokens_details.
  const cached = count(prompt.cached_tokens) ?? count(value.prompt_cache_hit_tokens)
  if (cached !== undefined && cached > 0) usage.cacheReadTokens = cached
  const reasoning = count(completion.reasoning_tokens)
  if (reasoning !== undefined && reasoning > 0) usage.reasoningTokens = reasoning
  return usage
}
