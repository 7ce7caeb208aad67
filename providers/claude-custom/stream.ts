import type { FinishReason, StreamEvent } from '../../schemas/canonical.js'
import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { toFinishReason } from '../../schemas/anthropic/stop-reasons.js'
import { kindForClaudeErrorType } from '../../schemas/anthropic/error-types.js'
import { isRecord } from '../../schemas/json-text.js'
import { toUsage } from './response.js'

type Json = Record<string, unknown>

function str (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * Anthropic SSE → canonical stream events (FORMATS.md §3). Usage counters are merged field by field, as the SDK
 * does: message_start gives the input side, message_delta the final output (and cumulative totals it repeats).
 * Server tool blocks and citations have no canonical stream form and are skipped.
 */
class ClaudeStreamDecoder implements UpstreamDecoder {
  readonly #ctx: TranslateContext
  #started = false
  #finished = false
  #usage: Json = {}
  #stop: { reason: FinishReason, stopSequence?: string } | undefined
  /** Content block index → tool call ordinal, for tool_use blocks. */
  readonly #tools = new Map<number, number>()

  constructor (ctx: TranslateContext) {
    this.#ctx = ctx
  }

  push (message: SseInput): StreamEvent[] {
    if (this.#finished) return []
    let data: unknown
    try {
      data = JSON.parse(message.data)
    } catch {
      return this.#fail(502, `Anthropic sent a malformed stream event: ${message.data.slice(0, 200)}`)
    }
    if (!isRecord(data)) return []
    const type = typeof data.type === 'string' ? data.type : message.event
    switch (type) {
      case 'message_start': return this.#messageStart(data)
      case 'content_block_start': return this.#blockStart(data)
      case 'content_block_delta': return this.#blockDelta(data)
      case 'message_delta': this.#messageDelta(data); return []
      case 'message_stop': return this.#finish()
      case 'error': return this.#error(data)
      default: return [] // ping, content_block_stop and anything newer
    }
  }

  end (): StreamEvent[] {
    if (this.#finished) return []
    // A stream cut off before message_delta told us how it ended is a failure, not an answer.
    if (this.#stop === undefined) return this.#fail(502, 'Anthropic closed the stream before the message ended')
    return this.#finish()
  }

  #messageStart (data: Json): StreamEvent[] {
    if (this.#started) return []
    this.#started = true
    const msg = isRecord(data.message) ? data.message : {}
    if (isRecord(msg.usage)) this.#usage = { ...msg.usage }
    const id = str(msg.id)
    return [{ type: 'start', id: id === '' ? this.#ctx.id('msg_') : id, model: str(msg.model), usage: toUsage(this.#usage) }]
  }

  #blockStart (data: Json): StreamEvent[] {
    const block = isRecord(data.content_block) ? data.content_block : {}
    const index = typeof data.index === 'number' ? data.index : -1
    switch (block.type) {
      case 'text': return block.text === '' || typeof block.text !== 'string' ? [] : [{ type: 'text_delta', text: block.text }]
      case 'thinking': {
        const out: StreamEvent[] = []
        if (str(block.thinking) !== '') out.push({ type: 'reasoning_delta', text: str(block.thinking) })
        if (str(block.signature) !== '') out.push({ type: 'reasoning_signature', signature: str(block.signature), source: 'anthropic' })
        return out
      }
      case 'redacted_thinking': return [{ type: 'redacted_reasoning', data: str(block.data) }]
      case 'tool_use': {
        const ordinal = this.#tools.size
        this.#tools.set(index, ordinal)
        const out: StreamEvent[] = [{ type: 'tool_call_start', index: ordinal, id: str(block.id), name: str(block.name) }]
        // Some Anthropic-compatible upstreams send the whole input at the start instead of as deltas.
        if (isRecord(block.input) && Object.keys(block.input).length > 0) {
          out.push({ type: 'tool_call_delta', index: ordinal, arguments: JSON.stringify(block.input) })
        }
        return out
      }
      default: return []
    }
  }

  #blockDelta (data: Json): StreamEvent[] {
    const delta = isRecord(data.delta) ? data.delta : {}
    switch (delta.type) {
      case 'text_delta': return str(delta.text) === '' ? [] : [{ type: 'text_delta', text: str(delta.text) }]
      case 'thinking_delta': return str(delta.thinking) === '' ? [] : [{ type: 'reasoning_delta', text: str(delta.thinking) }]
      case 'signature_delta': return [{ type: 'reasoning_signature', signature: str(delta.signature), source: 'anthropic' }]
      case 'input_json_delta': {
        const ordinal = typeof data.index === 'number' ? this.#tools.get(data.index) : undefined
        const fragment = str(delta.partial_json)
        return ordinal === undefined || fragment === '' ? [] : [{ type: 'tool_call_delta', index: ordinal, arguments: fragment }]
      }
      default: return []
    }
  }

  #messageDelta (data: Json): void {
    const delta = isRecord(data.delta) ? data.delta : {}
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
      this.#stop = { reason: toFinishReason(delta.stop_reason) }
      if (typeof delta.stop_sequence === 'string') this.#stop.stopSequence = delta.stop_sequence
    }
    if (isRecord(data.usage)) {
      for (const [key, value] of Object.entries(data.usage)) if (value !== null && value !== undefined) this.#usage[key] = value
    }
  }

  #finish (): StreamEvent[] {
    this.#finished = true
    const stop = this.#stop ?? { reason: 'stop' }
    return [{ type: 'finish', ...stop, usage: toUsage(this.#usage) }]
  }

  #error (data: Json): StreamEvent[] {
    const error = isRecord(data.error) ? data.error : {}
    const errorType = str(error.type)
    const status = kindForClaudeErrorType(errorType)?.status ?? 500
    const message = str(error.message) === '' ? 'Anthropic reported a stream error' : str(error.message)
    this.#finished = true
    return errorType === '' ? [{ type: 'error', status, message }] : [{ type: 'error', status, message, errorType }]
  }

  #fail (status: number, message: string): StreamEvent[] {
    this.#finished = true
    return [{ type: 'error', status, message, errorType: 'api_error' }]
  }
}

export function createClaudeStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  return new ClaudeStreamDecoder(ctx)
}
