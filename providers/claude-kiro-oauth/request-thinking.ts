import type { ReasoningConfig, ReasoningEffort } from '../../schemas/canonical.js'
import { effortFor } from '../../schemas/reasoning.js'

/**
 * Reasoning settings → `userInputMessage.additionalModelRequestFields` (FORMATS.md §6 "Thinking").
 *
 * Why this form and not the `<thinking_mode>enabled</thinking_mode>` tags older proxies put into the prompt:
 * - it is a structured field, so nothing is injected into the conversation the user wrote;
 * - the reasoning then comes back as reasoningContentEvent frames with signatures, instead of `<thinking>` tags
 *   inside the answer text that would have to be parsed out of the text stream (and could be forged by content).
 * The cost: models without the envelope (4.5 and older, per public proxies' live tests) get no reasoning
 * settings at all; the request is sent as if reasoning were not configured and the model uses its default.
 */

type KiroEffort = 'low' | 'medium' | 'high' | 'xhigh' | 'max'

function kiroEffort (effort: ReasoningEffort): KiroEffort | undefined {
  switch (effort) {
    case 'none': return undefined
    case 'minimal': case 'low': return 'low'
    default: return effort
  }
}

/** The fields to send, or undefined to leave the model's default in place. */
export function kiroThinkingFields (reasoning: ReasoningConfig | undefined, adaptive: boolean): Record<string, unknown> | undefined {
  if (reasoning === undefined || !adaptive) return undefined
  const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : effortFor(reasoning.budgetTokens))
  if (effort === 'none') return { thinking: { type: 'disabled' } }
  const thinking = { type: 'adaptive', display: reasoning.includeThoughts === false ? 'omitted' : 'summarized' }
  const mapped = effort === undefined ? undefined : kiroEffort(effort)
  return mapped === undefined ? { thinking } : { thinking, output_config: { effort: mapped } }
}
