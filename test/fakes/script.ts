/**
 * One upstream answer, independent of any protocol. Every fake upstream (OpenAI chat, Responses, Anthropic,
 * Gemini, Kiro) renders the same script in its own wire format, JSON or stream, so one scenario runs against
 * every provider.
 */

export interface ScriptToolCall {
  /** Rendered where the protocol has call ids (the Gemini API usually sends none). */
  id: string
  name: string
  args: Record<string, unknown>
}

export interface ScriptUsage {
  /** Total prompt tokens, cached ones included. */
  input: number
  /** Output tokens, reasoning included. */
  output: number
  cached?: number
  reasoning?: number
}

export interface ScriptError {
  status: number
  message: string
  /** Response headers, e.g. retry-after. */
  headers?: Record<string, string>
}

export interface Script {
  reasoning?: { text: string, signature?: string }
  text?: string
  toolCalls?: ScriptToolCall[]
  usage?: ScriptUsage
  /** Default: tool_calls when there are calls, else stop. */
  finish?: 'stop' | 'length' | 'tool_calls'
  model?: string
  /** Answer with this HTTP error instead of a response. */
  error?: ScriptError
}

export const DEFAULT_USAGE: ScriptUsage = { input: 12, output: 5 }

export function finishOf (s: Script): 'stop' | 'length' | 'tool_calls' {
  return s.finish ?? (s.toolCalls !== undefined && s.toolCalls.length > 0 ? 'tool_calls' : 'stop')
}

export function usageOf (s: Script): ScriptUsage {
  return s.usage ?? DEFAULT_USAGE
}

/** Splits a text into up to `n` non-empty pieces, as an upstream flushing tokens would. */
export function pieces (text: string, n = 3): string[] {
  if (text === '') return []
  const size = Math.ceil(text.length / n)
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

/** JSON arguments in two fragments (cut mid-token, so a decoder must concatenate). */
export function halves (json: string): string[] {
  const half = Math.ceil(json.length / 2)
  return [json.slice(0, half), json.slice(half)].filter(p => p !== '')
}
