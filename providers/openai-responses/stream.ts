import type { StreamEvent } from '../../schemas/canonical.js'
import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { isRecord } from '../../schemas/json-text.js'
import { statusForCode } from './errors.js'
import { finishFor, fromResponsesUsage } from './response.js'

type Data = Record<string, unknown>

interface Call { index: number, sent: string }

function str (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * Responses stream events → canonical events. Only deltas carry content; the `.done` and `output_item.done`
 * events fill in what an upstream did not stream (some compatible servers send whole items), so nothing is lost
 * and nothing is sent twice.
 */
class ResponsesStreamDecoder implements UpstreamDecoder {
  private started = false
  private finished = false
  private nextCall = 0
  private readonly calls = new Map<string, Call>()
  /** Characters of text or reasoning already emitted, per item id. */
  private readonly emitted = new Map<string, number>()

  constructor (private readonly ctx: TranslateContext) {}

  push (message: SseInput): StreamEvent[] {
    const text = message.data.trim()
    if (this.finished || text === '' || text === '[DONE]') return []
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      return this.fail(502, 'The upstream sent a malformed stream event', 'upstream_malformed')
    }
    if (!isRecord(data)) return []
    const type = typeof data.type === 'string' ? data.type : message.event
    if (type === 'error' || message.event === 'error' || (type === undefined && data.error !== undefined)) return this.error(data)
    const out: StreamEvent[] = []
    if (!this.started) {
      this.started = true
      const response = isRecord(data.response) ? data.response : {}
      out.push({ type: 'start', id: str(response.id) || this.ctx.id('resp_'), model: str(response.model) })
    }
    this.apply(type ?? '', data, out)
    return out
  }

  private apply (type: string, data: Data, out: StreamEvent[]): void {
    switch (type) {
      case 'response.output_text.delta': case 'response.refusal.delta':
        this.text(str(data.item_id), str(data.delta), out); return
      case 'response.reasoning_summary_text.delta': case 'response.reasoning_text.delta':
        this.reasoning(str(data.item_id), str(data.delta), out); return
      case 'response.reasoning_summary_part.added':
        // Summary parts are joined by a blank line, as in a non-stream response.
        if (typeof data.summary_index === 'number' && data.summary_index > 0) this.reasoning(str(data.item_id), '\n\n', out)
        return
      case 'response.output_item.added': case 'response.output_item.done':
        if (isRecord(data.item)) this.item(data.item, type === 'response.output_item.done', out)
        return
      case 'response.function_call_arguments.delta': this.args(str(data.item_id), str(data.delta), out); return
      case 'response.function_call_arguments.done': this.argsDone(str(data.item_id), str(data.arguments), out); return
      case 'response.completed': case 'response.incomplete': this.finish(data.response, out); return
      case 'response.failed': out.push(...this.error(isRecord(data.response) ? { error: data.response.error } : {}))
    }
  }

  private text (itemId: string, delta: string, out: StreamEvent[]): void {
    if (delta === '') return
    this.emitted.set(itemId, (this.emitted.get(itemId) ?? 0) + delta.length)
    out.push({ type: 'text_delta', text: delta })
  }

  private reasoning (itemId: string, delta: string, out: StreamEvent[]): void {
    if (delta === '') return
    this.emitted.set(itemId, (this.emitted.get(itemId) ?? 0) + delta.length)
    out.push({ type: 'reasoning_delta', text: delta })
  }

  private item (item: Data, done: boolean, out: StreamEvent[]): void {
    const id = str(item.id)
    if (item.type === 'function_call') {
      this.startCall(id, item, out)
      if (done) this.argsDone(id, str(item.arguments), out)
      else this.args(id, str(item.arguments), out)
      return
    }
    if (!done) return
    if (item.type === 'message' && !this.emitted.has(id) && Array.isArray(item.content)) {
      for (const p of item.content) if (isRecord(p)) this.text(id, str(p.text) || str(p.refusal), out)
    }
    if (item.type === 'reasoning') {
      if (!this.emitted.has(id) && Array.isArray(item.summary)) {
        const summary = item.summary.flatMap((s: unknown) => isRecord(s) && typeof s.text === 'string' ? [s.text] : [])
        this.reasoning(id, summary.join('\n\n'), out)
      }
      const signature = str(item.encrypted_content)
      if (signature !== '') out.push({ type: 'reasoning_signature', signature, source: 'openai' })
    }
  }

  /** The call for an item id, started on first sight (`output_item.added`, or `.done` from servers that skip it). */
  private startCall (itemId: string, item: Data, out: StreamEvent[]): void {
    if (this.calls.has(itemId)) return
    const call: Call = { index: this.nextCall++, sent: '' }
    this.calls.set(itemId, call)
    out.push({ type: 'tool_call_start', index: call.index, id: str(item.call_id) || itemId || this.ctx.id('call_'), name: str(item.name) })
  }

  private args (itemId: string, delta: string, out: StreamEvent[]): void {
    const call = this.calls.get(itemId)
    if (call === undefined || delta === '') return
    call.sent += delta
    out.push({ type: 'tool_call_delta', index: call.index, arguments: delta })
  }

  private argsDone (itemId: string, full: string, out: StreamEvent[]): void {
    const call = this.calls.get(itemId)
    if (call === undefined || full.length <= call.sent.length || !full.startsWith(call.sent)) return
    this.args(itemId, full.slice(call.sent.length), out)
  }

  private finish (response: unknown, out: StreamEvent[]): void {
    this.finished = true
    const r = isRecord(response) ? response : {}
    out.push({ type: 'finish', reason: finishFor(r.status, r.incomplete_details, this.nextCall > 0), usage: fromResponsesUsage(r.usage) })
  }

  private error (data: Data): StreamEvent[] {
    // `event: error` carries code and message at the top level; other shapes nest them in `error`.
    const inner = isRecord(data.error) ? data.error : data
    const nested = inner !== data
    const code = str(inner.code) || (nested ? str(inner.type) : '') || undefined
    return this.fail(statusForCode(code), str(inner.message) || 'The upstream stream failed', code)
  }

  private fail (status: number, message: string, code: string | undefined): StreamEvent[] {
    this.finished = true
    return [{ type: 'error', status, message, ...(code === undefined ? {} : { errorType: code }) }]
  }

  end (): StreamEvent[] {
    if (this.finished) return []
    return this.fail(502, 'The upstream stream ended before the response was complete', 'upstream_incomplete')
  }
}

export function createResponsesStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  return new ResponsesStreamDecoder(ctx)
}
