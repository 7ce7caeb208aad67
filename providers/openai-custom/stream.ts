import type { FinishReason, StreamEvent, Usage } from '../../schemas/canonical.js'
import { fromOpenAIFinishReason } from '../../schemas/openai/finish-reason.js'
import { fromOpenAIUsage } from '../../schemas/openai/usage.js'
import { isRecord } from '../../schemas/json-text.js'
import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { openaiErrorObject, openaiStreamErrorStatus } from './errors.js'
import { argumentsText } from './response.js'

interface ToolState {
  /** The canonical index, assigned when the call starts (once its name is known). */
  ordinal?: number
  id?: string
  name?: string
  /** Argument text that arrived before the name. */
  pending: string
}

function text (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * OpenAI-compatible chat stream → canonical events. Tool calls are keyed by their `index` and start once their
 * name is known (servers that send the name late, or repeat id/name in later deltas, are tolerated). The finish
 * is held back until `[DONE]` (or the end of the body) because the usage chunk comes after finish_reason.
 * Only choice 0 of an n > 1 stream is decoded: canonical streams have one choice.
 */
class OpenAIChatStreamDecoder implements UpstreamDecoder {
  private started = false
  private done = false
  private finishReason: FinishReason | undefined
  private usage: Usage | undefined
  private readonly tools = new Map<string, ToolState>()
  private lastToolKey: string | undefined
  private nextOrdinal = 0

  constructor (private readonly ctx: TranslateContext) {}

  push (message: SseInput): StreamEvent[] {
    if (this.done) return []
    const data = message.data.trim()
    if (data === '[DONE]') return this.close()
    let chunk: unknown
    try {
      chunk = JSON.parse(data)
    } catch {
      // Keep-alive noise some servers send as data ("ping", empty lines); it carries no content.
      return []
    }
    if (!isRecord(chunk)) return []
    if (message.event === 'error' || (chunk.error !== undefined && chunk.error !== null)) return this.fail(chunk)
    const out: StreamEvent[] = []
    if (!this.started) out.push(this.start(text(chunk.id), text(chunk.model)))
    const usage = fromOpenAIUsage(chunk.usage)
    if (usage !== undefined) this.usage = usage
    const choices = Array.isArray(chunk.choices) ? chunk.choices : []
    for (const choice of choices) {
      if (isRecord(choice) && (choice.index === undefined || choice.index === 0)) this.choice(choice, out)
    }
    return out
  }

  end (): StreamEvent[] {
    if (this.done) return []
    if (this.finishReason !== undefined) return this.close()
    this.done = true
    return [{ type: 'error', status: 502, message: 'The upstream stream ended before the response was complete', errorType: 'upstream_incomplete' }]
  }

  private start (id: string | undefined, model: string | undefined): StreamEvent {
    this.started = true
    return { type: 'start', id: id ?? this.ctx.id('chatcmpl-'), model: model ?? '' }
  }

  private choice (choice: Record<string, unknown>, out: StreamEvent[]): void {
    const delta = isRecord(choice.delta) ? choice.delta : {}
    const reasoning = text(delta.reasoning_content) ?? text(delta.reasoning)
    if (reasoning !== undefined) out.push({ type: 'reasoning_delta', text: reasoning })
    const content = text(delta.content)
    if (content !== undefined) out.push({ type: 'text_delta', text: content })
    const refusal = text(delta.refusal)
    if (refusal !== undefined) out.push({ type: 'text_delta', text: refusal })
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isRecord(call)) this.toolCall(call, out)
    }
    if (isRecord(delta.function_call)) this.toolCall({ index: 0, function: delta.function_call }, out)
    const reason = fromOpenAIFinishReason(choice.finish_reason)
    if (reason !== undefined) this.finishReason = reason
  }

  /** A call without `index` continues the call with its id, else the last one touched. */
  private toolKey (call: Record<string, unknown>): string {
    if (typeof call.index === 'number') return `#${call.index}`
    const id = text(call.id)
    if (id !== undefined) return `id:${id}`
    return this.lastToolKey ?? '#0'
  }

  private toolCall (call: Record<string, unknown>, out: StreamEvent[]): void {
    const key = this.toolKey(call)
    this.lastToolKey = key
    let state = this.tools.get(key)
    if (state === undefined) {
      state = { pending: '' }
      this.tools.set(key, state)
    }
    const fn = isRecord(call.function) ? call.function : {}
    state.id ??= text(call.id)
    state.name ??= text(fn.name)
    const args = fn.arguments === undefined || fn.arguments === null ? '' : (typeof fn.arguments === 'string' ? fn.arguments : argumentsText(fn.arguments))
    if (state.ordinal === undefined) {
      state.pending += args
      if (state.name !== undefined) this.startTool(state, out)
    } else if (args !== '') {
      out.push({ type: 'tool_call_delta', index: state.ordinal, arguments: args })
    }
  }

  private startTool (state: ToolState, out: StreamEvent[]): void {
    const index = this.nextOrdinal++
    state.ordinal = index
    out.push({ type: 'tool_call_start', index, id: state.id ?? this.ctx.id('call_'), name: state.name ?? '' })
    if (state.pending !== '') out.push({ type: 'tool_call_delta', index, arguments: state.pending })
    state.pending = ''
  }

  private close (): StreamEvent[] {
    this.done = true
    const out: StreamEvent[] = []
    if (!this.started) out.push(this.start(undefined, undefined))
    // A call whose name never came is still reported rather than lost.
    for (const state of this.tools.values()) if (state.ordinal === undefined) this.startTool(state, out)
    let reason = this.finishReason ?? 'stop'
    if (reason === 'stop' && this.nextOrdinal > 0) reason = 'tool_calls'
    out.push(this.usage === undefined ? { type: 'finish', reason } : { type: 'finish', reason, usage: this.usage })
    return out
  }

  private fail (chunk: Record<string, unknown>): StreamEvent[] {
    this.done = true
    const error = openaiErrorObject(chunk) ?? {}
    const event: StreamEvent = { type: 'error', status: openaiStreamErrorStatus(error), message: text(error.message) ?? 'The upstream reported an error' }
    const errorType = text(error.type) ?? text(error.code)
    return [errorType === undefined ? event : { ...event, errorType }]
  }
}

export function createOpenAIChatStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  return new OpenAIChatStreamDecoder(ctx)
}
