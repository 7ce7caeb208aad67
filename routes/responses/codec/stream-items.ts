import type { SseMessage, TranslateContext } from '../../../schemas/translate-context.js'
import {
  CallIds, functionCallItem, messageItem, outputTextPart, reasoningItem, type ItemStatus, type OutputItem
} from './output-items.js'

interface OpenMessage { kind: 'message', index: number, id: string, text: string }
interface OpenReasoning { kind: 'reasoning', index: number, id: string, text: string, partOpen: boolean, encrypted?: string }
interface OpenCall { index: number, id: string, callId: string, name: string, args: string, open: boolean }

/**
 * The output items of one streamed response: opens and closes them with the events the SDK's accumulator expects
 * (FORMATS.md §2) and keeps the final form of each, because `response.completed` must carry the full output.
 * At most one message or reasoning item is open at a time; function calls stay open until other content or the
 * end arrives, so interleaved argument deltas of parallel calls still land on the right item.
 */
export class StreamItems {
  readonly output: OutputItem[] = []
  private seq = 0
  private current: OpenMessage | OpenReasoning | undefined
  private readonly calls = new Map<number, OpenCall>()
  private readonly callIds: CallIds

  constructor (private readonly ctx: TranslateContext) {
    this.callIds = new CallIds(ctx)
  }

  event (type: string, fields: Record<string, unknown>): SseMessage {
    return { event: type, data: { type, sequence_number: this.seq++, ...fields } }
  }

  private add (item: OutputItem, out: SseMessage[]): number {
    const index = this.output.length
    this.output.push(item)
    out.push(this.event('response.output_item.added', { output_index: index, item }))
    return index
  }

  private done (index: number, item: OutputItem, out: SseMessage[]): void {
    this.output[index] = item
    out.push(this.event('response.output_item.done', { output_index: index, item }))
  }

  text (delta: string, out: SseMessage[]): void {
    if (this.current?.kind !== 'message') {
      this.closeAll('completed', out)
      const id = this.ctx.id('msg_')
      const index = this.add(messageItem(id, undefined, 'in_progress'), out)
      out.push(this.event('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: outputTextPart('') }))
      this.current = { kind: 'message', index, id, text: '' }
    }
    const m = this.current
    m.text += delta
    out.push(this.event('response.output_text.delta', { item_id: m.id, output_index: m.index, content_index: 0, delta, logprobs: [] }))
  }

  private reasoningItem (out: SseMessage[]): OpenReasoning {
    if (this.current?.kind === 'reasoning') return this.current
    this.closeAll('completed', out)
    const id = this.ctx.id('rs_')
    const index = this.add(reasoningItem(id, undefined), out)
    this.current = { kind: 'reasoning', index, id, text: '', partOpen: false }
    return this.current
  }

  reasoning (delta: string, out: SseMessage[]): void {
    const r = this.reasoningItem(out)
    const at = { item_id: r.id, output_index: r.index, summary_index: 0 }
    if (!r.partOpen) {
      out.push(this.event('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } }))
      r.partOpen = true
    }
    r.text += delta
    out.push(this.event('response.reasoning_summary_text.delta', { ...at, delta }))
  }

  /** Attaches encrypted content to the open reasoning item (opening an empty one if needed). */
  encrypted (payload: string, out: SseMessage[]): void {
    this.reasoningItem(out).encrypted = payload
  }

  /** A reasoning item that carries only encrypted content, opened and closed at once. */
  opaqueReasoning (payload: string, out: SseMessage[]): void {
    this.closeAll('completed', out)
    const id = this.ctx.id('rs_')
    const index = this.add(reasoningItem(id, undefined), out)
    this.done(index, reasoningItem(id, undefined, payload), out)
  }

  callStart (key: number, upstreamId: string, name: string, out: SseMessage[]): void {
    this.closeCurrent('completed', out)
    const id = this.ctx.id('fc_')
    const callId = this.callIds.take(upstreamId)
    const index = this.add(functionCallItem(id, callId, name, '', 'in_progress'), out)
    this.calls.set(key, { index, id, callId, name, args: '', open: true })
  }

  callDelta (key: number, delta: string, out: SseMessage[]): void {
    const call = this.calls.get(key)
    if (call === undefined) return
    call.args += delta
    // A delta after the call was closed still reaches the final output, which replaces the client's snapshot.
    if (call.open) out.push(this.event('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta }))
    else this.output[call.index] = functionCallItem(call.id, call.callId, call.name, call.args, 'completed')
  }

  private closeCurrent (status: ItemStatus, out: SseMessage[]): void {
    const c = this.current
    this.current = undefined
    if (c === undefined) return
    if (c.kind === 'message') {
      const at = { item_id: c.id, output_index: c.index, content_index: 0 }
      out.push(this.event('response.output_text.done', { ...at, text: c.text, logprobs: [] }))
      out.push(this.event('response.content_part.done', { ...at, part: outputTextPart(c.text) }))
      this.done(c.index, messageItem(c.id, c.text, status), out)
      return
    }
    if (c.partOpen) {
      const at = { item_id: c.id, output_index: c.index, summary_index: 0 }
      out.push(this.event('response.reasoning_summary_text.done', { ...at, text: c.text }))
      out.push(this.event('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: c.text } }))
    }
    this.done(c.index, reasoningItem(c.id, c.partOpen ? c.text : undefined, c.encrypted), out)
  }

  private closeCalls (status: ItemStatus, out: SseMessage[]): void {
    for (const call of this.calls.values()) {
      if (!call.open) continue
      call.open = false
      out.push(this.event('response.function_call_arguments.done', { item_id: call.id, output_index: call.index, name: call.name, arguments: call.args }))
      this.done(call.index, functionCallItem(call.id, call.callId, call.name, call.args, status), out)
    }
  }

  /** Closes every open item; `status` is what a message or call cut short by the end is marked with. */
  closeAll (status: ItemStatus, out: SseMessage[]): void {
    this.closeCalls(status, out)
    this.closeCurrent(status, out)
  }

  /** Open items as they stand, for a response that failed before they could be closed. */
  abandonOpen (): void {
    const c = this.current
    if (c?.kind === 'message') this.output[c.index] = messageItem(c.id, c.text, 'incomplete')
    if (c?.kind === 'reasoning') this.output[c.index] = reasoningItem(c.id, c.partOpen ? c.text : undefined, c.encrypted)
    for (const call of this.calls.values()) {
      if (call.open) this.output[call.index] = functionCallItem(call.id, call.callId, call.name, call.args, 'incomplete')
      call.open = false
    }
    this.current = undefined
  }
}
