import type { ReasoningConfig, ReasoningEffort } from './canonical.js'

/** Thinking budgets per effort (FORMATS.md §7): the same numbers in every codec. */
export const EFFORT_BUDGETS: Readonly<Record<ReasoningEffort, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 65536
}

/** The budget a reasoning config asks for (explicit budget wins), or undefined when it asks for none. */
export function budgetFor (reasoning: ReasoningConfig | undefined): number | undefined {
  if (reasoning === undefined) return undefined
  if (reasoning.budgetTokens !== undefined) return reasoning.budgetTokens
  if (reasoning.effort !== undefined) return EFFORT_BUDGETS[reasoning.effort]
  return undefined
}

/** The nearest effort for a budget (Anthropic/Gemini budgets → OpenAI reasoning_effort). */
export function effortFor (budget: number): ReasoningEffort {
  if (budget <= 0) return 'none'
  if (budget <= 1024) return 'low'
  if (budget <= 8192) return 'medium'
  return 'high'
}
