import type { ChatRequest } from '../../schemas/canonical.js'
import type { ClaudeExtras } from '../../schemas/anthropic/extras.js'
import { budgetFor } from '../../schemas/reasoning.js'

/** max_tokens when the client gave none: enough for a long answer, accepted by every current Claude model. */
export const DEFAULT_MAX_TOKENS = 8192
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024
/**
 * The most the gateway raises max_tokens to on its own (to fit a thinking budget): the output cap of the current
 * Sonnet/Opus/Haiku models without a beta header. A client's own larger max_tokens is never lowered.
 */
export const RAISED_MAX_TOKENS_CAP = 64000

export interface TokenPlan {
  maxTokens: number
  budget?: number
}

/**
 * Fits a thinking budget under max_tokens (Anthropic: 1024 ≤ budget < max_tokens). When max_tokens is too small
 * for the budget, max_tokens is raised so the answer keeps the room the client asked for (budget + max_tokens, at
 * most RAISED_MAX_TOKENS_CAP); past that cap the budget shrinks, leaving the answer up to DEFAULT_MAX_TOKENS.
 */
export function planTokens (maxTokens: number | undefined, budget: number | undefined): TokenPlan {
  const max = maxTokens ?? DEFAULT_MAX_TOKENS
  if (budget === undefined || budget <= 0) return { maxTokens: max }
  const wanted = Math.max(MIN_THINKING_BUDGET, budget)
  if (wanted < max) return { maxTokens: max, budget: wanted }
  const raised = Math.max(max, Math.min(wanted + max, RAISED_MAX_TOKENS_CAP))
  const room = Math.min(max, raised - MIN_THINKING_BUDGET, DEFAULT_MAX_TOKENS)
  return { maxTokens: raised, budget: Math.max(MIN_THINKING_BUDGET, Math.min(wanted, raised - room)) }
}

const MODELLED_THINKING = new Set(['enabled', 'disabled'])

/**
 * The thinking config to send and the max_tokens to go with it. A Claude client's adaptive (or newer) mode is
 * restored verbatim; otherwise a budget (explicit, or from the effort) becomes `enabled`; effort none sends none.
 */
export function planThinking (req: ChatRequest, extras: ClaudeExtras): { thinking?: Record<string, unknown>, maxTokens: number } {
  const original = extras.thinking
  if (req.reasoning?.effort === 'none' && req.reasoning.budgetTokens === undefined) {
    return { maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS }
  }
  if (original !== undefined && typeof original.type === 'string' && !MODELLED_THINKING.has(original.type)) {
    return { thinking: original, maxTokens: req.maxTokens ?? DEFAULT_MAX_TOKENS }
  }
  const plan = planTokens(req.maxTokens, budgetFor(req.reasoning))
  if (plan.budget === undefined) return { maxTokens: plan.maxTokens }
  const thinking: Record<string, unknown> = { type: 'enabled', budget_tokens: plan.budget }
  if (typeof original?.display === 'string') thinking.display = original.display
  return { thinking, maxTokens: plan.maxTokens }
}

const CLAUDE_EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max'])

/**
 * output_config.effort, only when the client itself sent one (older models reject the field): the canonical effort
 * (minimal → low), else what the client sent.
 */
export function effortFor (req: ChatRequest, extras: ClaudeExtras): string | undefined {
  if (extras.effort === undefined) return undefined
  const effort = req.reasoning?.effort === 'minimal' ? 'low' : req.reasoning?.effort
  return effort !== undefined && CLAUDE_EFFORTS.has(effort) ? effort : extras.effort
}
