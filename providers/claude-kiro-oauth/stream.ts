import type { StreamEvent, Usage } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { readEventStreamBatches, type KiroFrame } from './event-stream-framer.js'
import { statusForStreamError } from './errors.js'
import { DEFAULT_CONTEXT_WINDOW } from './models.js'
import { readFrameError, readKiroEvent, type ReasoningFragment, type ToolUseFragment } from './stream-payloads.js'
import { TextToolCallFilter, type TextPiece } from './text-tool-calls.js'
import { estimateTextTokens } from '../../plugins/token-estimate.js'

/**
 * Kiro event-stream frames → canonical stream events (FORMATS.md §6).
 *
 * - Kiro has no finish reason: `tool_calls` when any tool call was seen, else `stop`.
 * - Usage rides on the `finish` event. Best source first: metadataEvent; otherwise an estimate (usage.estimated)
 *   whose input is contextUsagePercentage × the model's context window, or `estimateInputTokens()` when Kiro sent
 *   no percentage either, and whose output is the tokenizer count of everything generated.
 * - toolUseEvent fragments are concatenated per toolUseId; events for an id after its `stop` are duplicates and
 *   are dropped, as is a whole `input` object re-sent after fragments.
 * - An exception/error frame becomes one `error` event; nothing follows it (no finish).
 */

export interface KiroDecoderOptions {
  /** The model name to report (the client's name, not the Kiro id). */
  model: string
  /** Kiro tool name → the client's tool name (from toKiroRequest); every declared tool is in it. */
  toolNameMap: ReadonlyMap<string, string>
  /** The gateway's own estimate of the prompt size, used only when Kiro reports nothing better. */
  estimateInputTokens: () => number
  /** For the contextUsagePercentage estimate; defaults to 200k. */
  contextWindow?: number
  /** Output token estimator (default: the o200k tokenizer, see plugins/token-estimate.ts). */
  countTokens?: (text: string) => number
}

export interface KiroStreamDecoder {
  push(frame: KiroFrame): StreamEvent[]
  end(): StreamEvent[]
}

interface ToolState { index: number, args: string, stopped: boolean }

export function createKiroStreamDecoder (ctx: TranslateContext, opts: KiroDecoderOptions): KiroStreamDecoder {
  return new Decoder(ctx, opts)
}

class Decoder implements KiroStreamDecoder {
  private readonly tools = new Map<string, ToolState>()
  private readonly textFilter: TextToolCallFilter | undefined
  /** Everything generated, for the output estimate when Kiro reports no usage. */
  private readonly generated: string[] = []
  private started = false
  private done = false
  private nextIndex = 0
  private currentToolId: string | undefined
  private reported: Usage | undefined
  private contextPercentage: number | undefined

  constructor (private readonly ctx: TranslateContext, private readonly opts: KiroDecoderOptions) {
    this.textFilter = opts.toolNameMap.size > 0 ? new TextToolCallFilter(new Set(opts.toolNameMap.keys())) : undefined
  }

  push (frame: KiroFrame): StreamEvent[] {
    if (this.done) return []
    const out: StreamEvent[] = []
    this.ensureStart(out)
    if (frame.messageType === 'exception' || frame.messageType === 'error') {
      const { message, type } = readFrameError(frame)
      this.fail(out, statusForStreamError(type, message), message, type)
      return out
    }
    const event = readKiroEvent(frame)
    if (event.kind !== 'text' && event.kind !== 'ignored') this.flushText(out)
    switch (event.kind) {
      case 'text': this.onText(out, event.text); break
      case 'tool': this.onTool(out, event.tool); break
      case 'reasoning': this.onReasoning(out, event.reasoning); break
      case 'usage': this.reported = event.usage; break
      case 'context': this.contextPercentage = event.percentage; break
      case 'invalid_state': this.fail(out, 502, event.message, 'invalidStateEvent'); break
      case 'ignored': break
    }
    return out
  }

  end (): StreamEvent[] {
    if (this.done) return []
    const out: StreamEvent[] = []
    this.ensureStart(out)
    this.flushText(out)
    for (const state of this.tools.values()) if (!state.stopped && state.args === '') this.closeTool(out, state)
    this.done = true
    out.push({ type: 'finish', reason: this.nextIndex > 0 ? 'tool_calls' : 'stop', usage: this.finalUsage() })
    return out
  }

  private ensureStart (out: StreamEvent[]): void {
    if (this.started) return
    this.started = true
    out.push({ type: 'start', id: this.ctx.id('msg_'), model: this.opts.model })
  }

  private clientName (name: string): string {
    return this.opts.toolNameMap.get(name) ?? name
  }

  private emitPieces (out: StreamEvent[], pieces: TextPiece[]): void {
    for (const piece of pieces) {
      if (piece.kind === 'text') {
        this.generated.push(piece.text)
        out.push({ type: 'text_delta', text: piece.text })
      } else {
        const index = this.nextIndex++
        this.generated.push(piece.arguments)
        out.push({ type: 'tool_call_start', index, id: this.ctx.id('tooluse_'), name: this.clientName(piece.name) })
        out.push({ type: 'tool_call_delta', index, arguments: piece.arguments })
      }
    }
  }

  private onText (out: StreamEvent[], text: string): void {
    this.emitPieces(out, this.textFilter === undefined ? [{ kind: 'text', text }] : this.textFilter.push(text))
  }

  private flushText (out: StreamEvent[]): void {
    if (this.textFilter !== undefined) this.emitPieces(out, this.textFilter.flush())
  }

  private onTool (out: StreamEvent[], tool: ToolUseFragment): void {
    const id = tool.toolUseId ?? this.currentToolId
    if (id === undefined) return
    let state = this.tools.get(id)
    if (state === undefined) {
      // A call needs its name before anything can be emitted for it; Kiro always sends it with the first event.
      if (tool.name === undefined) return
      state = { index: this.nextIndex++, args: '', stopped: false }
      this.tools.set(id, state)
      out.push({ type: 'tool_call_start', index: state.index, id, name: this.clientName(tool.name) })
    }
    if (state.stopped) return
    this.currentToolId = id
    this.appendInput(out, state, tool.input)
    if (tool.stop) this.closeTool(out, state)
  }

  private appendInput (out: StreamEvent[], state: ToolState, input: ToolUseFragment['input']): void {
    if (input === undefined || input === '') return
    if (typeof input !== 'string') {
      if (state.args !== '') return
      input = JSON.stringify(input)
    } else if (state.args !== '' && input === state.args) {
      return // the whole input re-sent with the stop marker
    }
    state.args += input
    this.generated.push(input)
    out.push({ type: 'tool_call_delta', index: state.index, arguments: input })
  }

  private closeTool (out: StreamEvent[], state: ToolState): void {
    state.stopped = true
    this.currentToolId = undefined
    // A call without arguments still needs a valid JSON object for the surfaces.
    if (state.args === '') {
      state.args = '{}'
      out.push({ type: 'tool_call_delta', index: state.index, arguments: '{}' })
    }
  }

  private onReasoning (out: StreamEvent[], r: ReasoningFragment): void {
    if (r.text !== undefined) {
      this.generated.push(r.text)
      out.push({ type: 'reasoning_delta', text: r.text })
    }
    if (r.signature !== undefined) out.push({ type: 'reasoning_signature', signature: r.signature, source: 'kiro' })
    if (r.redacted !== undefined) out.push({ type: 'redacted_reasoning', data: r.redacted })
  }

  private fail (out: StreamEvent[], status: number, message: string, errorType: string): void {
    this.flushText(out)
    this.done = true
    out.push({ type: 'error', status, message, errorType })
  }

  private finalUsage (): Usage {
    if (this.reported !== undefined) return this.reported
    const count = this.opts.countTokens ?? estimateTextTokens
    const inputTokens = this.contextPercentage !== undefined
      ? Math.round((this.contextPercentage / 100) * (this.opts.contextWindow ?? DEFAULT_CONTEXT_WINDOW))
      : this.opts.estimateInputTokens()
    return { inputTokens, outputTokens: count(this.generated.join('')), estimated: true }
  }
}

/** Upstream body → batches of canonical events (one batch per upstream chunk that produced any). */
export async function * decodeKiroStream (body: AsyncIterable<Uint8Array>, decoder: KiroStreamDecoder): AsyncGenerator<StreamEvent[]> {
  for await (const frames of readEventStreamBatches(body)) {
    const events: StreamEvent[] = []
    for (const frame of frames) for (const e of decoder.push(frame)) events.push(e)
    if (events.length > 0) yield events
  }
  const tail = decoder.end()
  if (tail.length > 0) yield tail
}
