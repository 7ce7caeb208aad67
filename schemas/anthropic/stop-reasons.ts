import type { FinishReason } from '../canonical.js'

/** Anthropic `stop_reason` values (FORMATS.md §3). */
export type ClaudeStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded'

const TO_FINISH: Readonly<Record<ClaudeStopReason, FinishReason>> = {
  end_turn: 'stop',
  max_tokens: 'length',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_calls',
  pause_turn: 'pause',
  refusal: 'content_filter',
  model_context_window_exceeded: 'context_window'
}

const TO_STOP: Readonly<Record<FinishReason, ClaudeStopReason>> = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  pause: 'pause_turn',
  context_window: 'model_context_window_exceeded',
  // Anthropic has no failure reason; the content so far ended the turn.
  error: 'end_turn'
}

function isStopReason (value: string): value is ClaudeStopReason {
  return Object.hasOwn(TO_FINISH, value)
}

/** Anthropic stop_reason → canonical finish reason. Unknown or missing reasons count as a natural end. */
export function toFinishReason (stopReason: unknown): FinishReason {
  return typeof stopReason === 'string' && isStopReason(stopReason) ? TO_FINISH[stopReason] : 'stop'
}

/**
 * Canonical finish → Anthropic stop_reason and stop_sequence. `stop_sequence` is only claimed when the matched
 * string is known (FORMATS.md §7); otherwise the turn simply ended.
 */
export function toStopReason (reason: FinishReason, stopSequence?: string): { stopReason: ClaudeStopReason, stopSequence: string | null } {
  if (reason === 'stop_sequence') {
    return stopSequence === undefined ? { stopReason: 'end_turn', stopSequence: null } : { stopReason: 'stop_sequence', stopSequence }
  }
  return { stopReason: TO_STOP[reason], stopSequence: null }
}
