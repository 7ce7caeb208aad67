import type { ChatRequest, FinishReason, StreamEvent, Usage } from '../../../schemas/canonical.js'
import type { SseMessage, TranslateContext } from '../../../schemas/translate-context.js'
import type { GatewayError } from '../../../plugins/gateway-error.js'
import type { StreamEncoder } from '../../surface-codec.js'
import { toStopReason } from '../../../schemas/anthropic/stop-reasons.js'
import { toClaudeUsage } from '../../../schemas/anthropic/usage.js'
import { claudeErrorTypeFor } from '../../../schemas/anthropic/error-types.js'
import { messageId } from './encode-response.js'
import { claudeTypeForStreamError, parseClaudeErrorBody } from './render-error.js'
import { wrapSignature } from './signature.js'

type BlockKind = 'text' | 'thinking' | 'tool'

interface OpenBlock {
  kind: BlockKind
  index: number
  /** A thinking block ends with its signature; more reasoning after it starts a new block. */
  signed?: boolean
}

function message (type: string, data: Record<string, unknown>): SseMessage {
  return { event: type, data: { type, ...data } }
}

function errorMessage (type: string, text: string): SseMessage {
  return { event: 'error', data: { type: 'error', error: { type, message: text } } }
}

/**
 * Canonical stream events → Anthropic SSE (FORMATS.md §3). Blocks are sequential and numbered by position: a
 * block closes when another kind starts (or another tool call, or thinking after a signature). `message_delta`
 * and `message_stop` wait for end(), because a trailing `usage` event may follow `finish`.
 */
class ClaudeStreamEncoder implements StreamEncoder {
  readonly #req: ChatRequest
  readonly #ctx: TranslateContext
  #started = false
  #done = false
  #open: OpenBlock | undefined
  #next = 0
  /** Canonical tool-call index → content block index. */
  readonly #toolBlocks = new Map<number, number>()
  #finish: { reason: FinishReason, stopSequence?: string } | undefined
  #usage: Usage | undefined

  constructor (req: ChatRequest, ctx: TranslateContext) {
    this.#req = req
    this.#ctx = ctx
  }

  encode (event: StreamEvent): SseMessage[] {
    if (this.#done) return []
    const out: SseMessage[] = []
    if (!this.#started && event.type !== 'error') this.#start(out, event.type === 'start' ? event : undefined)
    switch (event.type) {
      case 'start': break
      case 'text_delta':
        if (event.text !== '') this.#delta(out, 'text', { type: 'text_delta', text: event.text })
        break
      case 'reasoning_delta':
        if (event.text !== '') this.#delta(out, 'thinking', { type: 'thinking_delta', thinking: event.text })
        break
      case 'reasoning_signature':
        this.#signature(out, wrapSignature(event.signature, event.source))
        break
      case 'redacted_reasoning':
        this.#close(out)
        out.push(message('content_block_start', { index: this.#next, content_block: { type: 'redacted_thinking', data: event.data } }))
        out.push(message('content_block_stop', { index: this.#next++ }))
        break
      case 'tool_call_start': this.#toolStart(out, event); break
      case 'tool_call_delta': this.#toolDelta(out, event.index, event.arguments); break
      case 'usage': this.#usage = event.usage; break
      case 'finish':
        this.#close(out)
        this.#finish = event.stopSequence === undefined ? { reason: event.reason } : { reason: event.reason, stopSequence: event.stopSequence }
        if (event.usage !== undefined) this.#usage = event.usage
        break
      case 'error':
        this.#done = true
        out.push(errorMessage(claudeTypeForStreamError(event.status, event.errorType), event.message))
        break
    }
    return out
  }

  end (): SseMessage[] {
    if (this.#done) return []
    const out: SseMessage[] = []
    if (!this.#started) this.#start(out, undefined)
    this.#close(out)
    this.#done = true
    const reason = this.#finish?.reason ?? (this.#toolBlocks.size > 0 ? 'tool_calls' : 'stop')
    const { stopReason, stopSequence } = toStopReason(reason, this.#finish?.stopSequence)
    const usage = this.#usage === undefined ? { output_tokens: 0 } : toClaudeUsage(this.#usage)
    out.push(message('message_delta', { delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage }))
    out.push(message('message_stop', {}))
    return out
  }

  error (err: GatewayError): SseMessage[] {
    if (this.#done) return []
    this.#done = true
    const upstream = err.upstream?.protocol === 'anthropic' ? parseClaudeErrorBody(err.upstream.body) : undefined
    return [upstream === undefined
      ? errorMessage(claudeErrorTypeFor(err.kind), err.message)
      : errorMessage(upstream.error.type, upstream.error.message)]
  }

  #start (out: SseMessage[], event: Extract<StreamEvent, { type: 'start' }> | undefined): void {
    this.#started = true
    const u = event?.usage
    const usage = toClaudeUsage({ inputTokens: u?.inputTokens ?? 0, outputTokens: 1, cacheReadTokens: u?.cacheReadTokens ?? 0, cacheWriteTokens: u?.cacheWriteTokens ?? 0 })
    const msg = {
      id: messageId(event?.id ?? '', this.#ctx),
      type: 'message',
      role: 'assistant',
      model: event?.model !== undefined && event.model !== '' ? event.model : this.#req.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage
    }
    out.push(message('message_start', { message: msg }), message('ping', {}))
  }

  #close (out: SseMessage[]): void {
    if (this.#open === undefined) return
    out.push(message('content_block_stop', { index: this.#open.index }))
    this.#open = undefined
  }

  #openBlock (out: SseMessage[], kind: BlockKind, contentBlock: Record<string, unknown>): OpenBlock {
    this.#close(out)
    const block: OpenBlock = { kind, index: this.#next++ }
    out.push(message('content_block_start', { index: block.index, content_block: contentBlock }))
    this.#open = block
    return block
  }

  /** A text or thinking delta, in the open block of its kind or in a new one. */
  #delta (out: SseMessage[], kind: 'text' | 'thinking', delta: Record<string, unknown>): void {
    let block = this.#open
    if (block === undefined || block.kind !== kind || block.signed === true) {
      block = this.#openBlock(out, kind, kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '' })
    }
    out.push(message('content_block_delta', { index: block.index, delta }))
  }

  /** The signature closes the thinking it belongs to; one arriving on its own gets an empty thinking block. */
  #signature (out: SseMessage[], signature: string): void {
    let block = this.#open
    if (block === undefined || block.kind !== 'thinking' || block.signed === true) {
      block = this.#openBlock(out, 'thinking', { type: 'thinking', thinking: '' })
    }
    out.push(message('content_block_delta', { index: block.index, delta: { type: 'signature_delta', signature } }))
    block.signed = true
  }

  #toolStart (out: SseMessage[], event: Extract<StreamEvent, { type: 'tool_call_start' }>): void {
    if (this.#toolBlocks.has(event.index)) return
    const id = event.id === '' ? this.#ctx.id('toolu_') : event.id
    const block = this.#openBlock(out, 'tool', { type: 'tool_use', id, name: event.name, input: {} })
    this.#toolBlocks.set(event.index, block.index)
  }

  /**
   * Arguments go to the tool call's own block. Upstreams stream calls one after another; a fragment for a call
   * whose block already closed is still sent with that block's index, which the SDK accumulates by index.
   */
  #toolDelta (out: SseMessage[], call: number, fragment: string): void {
    const index = this.#toolBlocks.get(call)
    if (index === undefined || fragment === '') return
    out.push(message('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: fragment } }))
  }
}

export function createClaudeStreamEncoder (req: ChatRequest, ctx: TranslateContext): StreamEncoder {
  return new ClaudeStreamEncoder(req, ctx)
}
