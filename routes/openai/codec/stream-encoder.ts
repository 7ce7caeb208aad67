import type { ChatRequest, FinishReason, StreamEvent, Usage } from '../../../schemas/canonical.js'
import { readOpenAIHints } from '../../../schemas/openai/hints.js'
import { toOpenAIUsage } from '../../../schemas/openai/usage.js'
import type { SseMessage, TranslateContext } from '../../../schemas/translate-context.js'
import type { StreamEncoder } from '../../surface-codec.js'
import { kindForStatus, type GatewayError } from '../../../plugins/gateway-error.js'
import { completionId, finishReasonFor } from './encode-response.js'
import { errorObjectFor, openAIErrorBody } from './render-error.js'

/**
 * Canonical events → `chat.completion.chunk` objects (FORMATS.md §1 Stream). What the SDK's stream helper needs
 * is guaranteed here whatever the upstream did: a first chunk with the role, `type`/`id`/`name` together in a
 * tool call's first delta, exactly one finish_reason (end() supplies one when the upstream gave none), and with
 * include_usage a `"usage":null` on every chunk plus one final usage chunk.
 */
class OpenAIStreamEncoder implements StreamEncoder {
  private readonly includeUsage: boolean
  private readonly legacy: boolean
  private readonly created: number
  private id = ''
  private model = ''
  private started = false
  private finished = false
  private closed = false
  private usage: Usage = { inputTokens: 0, outputTokens: 0 }
  /** Canonical tool-call index → the dense wire index (0, 1, … in order of appearance). */
  private readonly toolSlots = new Map<number, number>()

  constructor (private readonly req: ChatRequest, private readonly ctx: TranslateContext) {
    this.includeUsage = req.includeUsage === true
    this.legacy = readOpenAIHints(req.extras).legacyFunctions === true
    this.created = Math.floor(ctx.now() / 1000)
  }

  encode (event: StreamEvent): SseMessage[] {
    if (this.closed) return []
    if (event.type === 'error') {
      this.closed = true
      return [{ data: { error: errorObjectFor(kindForStatus(event.status), event.message, event.errorType) } }]
    }
    const out: SseMessage[] = []
    if (!this.started) out.push(this.begin(event))
    if (this.finished) {
      if (event.type === 'usage') this.usage = event.usage
      return out
    }
    switch (event.type) {
      case 'start':
        if (event.usage !== undefined) this.usage = { ...this.usage, ...event.usage }
        break
      case 'text_delta':
        if (event.text !== '') out.push(this.delta({ content: event.text }))
        break
      case 'reasoning_delta':
        if (event.text !== '') out.push(this.delta({ reasoning_content: event.text }))
        break
      case 'tool_call_start':
        this.startToolCall(event, out)
        break
      case 'tool_call_delta':
        this.toolCallDelta(event.index, event.arguments, out)
        break
      case 'usage':
        this.usage = event.usage
        break
      case 'finish':
        if (event.usage !== undefined) this.usage = event.usage
        out.push(this.finish(event.reason))
        break
      // Signatures and redacted reasoning have no OpenAI chat form.
      default:
        break
    }
    return out
  }

  end (): SseMessage[] {
    if (this.closed) return []
    const out: SseMessage[] = []
    if (!this.started) out.push(this.begin(undefined))
    if (!this.finished) out.push(this.finish('stop'))
    if (this.includeUsage) out.push({ data: { ...this.envelope([]), usage: toOpenAIUsage(this.usage) } })
    out.push({ data: '[DONE]' })
    this.closed = true
    return out
  }

  error (err: GatewayError): SseMessage[] {
    if (this.closed) return []
    this.closed = true
    return [{ data: openAIErrorBody(err) }]
  }

  private begin (event: StreamEvent | undefined): SseMessage {
    this.started = true
    const start = event?.type === 'start' ? event : undefined
    this.id = completionId(start?.id ?? '', this.ctx)
    this.model = start?.model !== undefined && start.model !== '' ? start.model : this.req.model
    return this.delta({ role: 'assistant', content: '' })
  }

  private startToolCall (event: StreamEvent & { type: 'tool_call_start' }, out: SseMessage[]): void {
    if (this.toolSlots.has(event.index)) return
    const slot = this.toolSlots.size
    this.toolSlots.set(event.index, slot)
    // The legacy function_call API carries one call per turn: later calls cannot be expressed.
    if (this.legacy) {
      if (slot === 0) out.push(this.delta({ function_call: { name: event.name, arguments: '' } }))
      return
    }
    out.push(this.delta({ tool_calls: [{ index: slot, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] }))
  }

  private toolCallDelta (index: number, args: string, out: SseMessage[]): void {
    const slot = this.toolSlots.get(index)
    // A delta for a call that never started cannot be attributed (no id/name): it is dropped.
    if (slot === undefined || args === '') return
    if (this.legacy) {
      if (slot === 0) out.push(this.delta({ function_call: { arguments: args } }))
      return
    }
    out.push(this.delta({ tool_calls: [{ index: slot, function: { arguments: args } }] }))
  }

  private finish (reason: FinishReason): SseMessage {
    this.finished = true
    return { data: this.envelope([{ index: 0, delta: {}, finish_reason: finishReasonFor(reason, this.legacy) }]) }
  }

  private delta (delta: Record<string, unknown>): SseMessage {
    return { data: this.envelope([{ index: 0, delta, finish_reason: null }]) }
  }

  private envelope (choices: unknown[]): Record<string, unknown> {
    const chunk: Record<string, unknown> = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices }
    if (this.includeUsage) chunk.usage = null
    return chunk
  }
}

export function createOpenAIStreamEncoder (req: ChatRequest, ctx: TranslateContext): StreamEncoder {
  return new OpenAIStreamEncoder(req, ctx)
}
