import type { AssistantPart, ChatResponse, FinishReason, StreamEvent, ToolCallPart, Usage } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { GatewayError, kindForStatus } from '../../plugins/gateway-error.js'
import { readEventStreamBatches, type KiroFrame } from './event-stream-framer.js'
import { createKiroStreamDecoder, type KiroDecoderOptions } from './stream.js'

/**
 * Non-stream calls: Kiro only streams, so a full ChatResponse is assembled from the same decoder the streaming
 * path uses. An in-stream error becomes a thrown GatewayError (nothing has been sent to the client yet).
 */

export function fromKiroEvents (frames: Iterable<KiroFrame>, ctx: TranslateContext, opts: KiroDecoderOptions): ChatResponse {
  const decoder = createKiroStreamDecoder(ctx, opts)
  const assembler = new ResponseAssembler(ctx, opts.model)
  for (const frame of frames) assembler.add(decoder.push(frame))
  assembler.add(decoder.end())
  return assembler.result()
}

/** Reads a whole Kiro response body into a ChatResponse. */
export async function readKiroResponse (body: AsyncIterable<Uint8Array>, ctx: TranslateContext, opts: KiroDecoderOptions): Promise<ChatResponse> {
  const decoder = createKiroStreamDecoder(ctx, opts)
  const assembler = new ResponseAssembler(ctx, opts.model)
  for await (const frames of readEventStreamBatches(body)) {
    for (const frame of frames) assembler.add(decoder.push(frame))
  }
  assembler.add(decoder.end())
  return assembler.result()
}

class ResponseAssembler {
  private id: string | undefined
  private readonly content: AssistantPart[] = []
  private readonly calls = new Map<number, ToolCallPart>()
  private finish: FinishReason = 'stop'
  private usage: Usage = { inputTokens: 0, outputTokens: 0 }

  constructor (private readonly ctx: TranslateContext, private readonly model: string) {}

  add (events: StreamEvent[]): void {
    for (const e of events) this.apply(e)
  }

  result (): ChatResponse {
    return {
      id: this.id ?? this.ctx.id('msg_'),
      model: this.model,
      created: Math.floor(this.ctx.now() / 1000),
      content: this.content,
      finishReason: this.finish,
      usage: this.usage
    }
  }

  private apply (e: StreamEvent): void {
    switch (e.type) {
      case 'start': this.id = e.id; break
      case 'text_delta': this.appendText(e.text); break
      case 'reasoning_delta': this.reasoning().text += e.text; break
      case 'reasoning_signature': {
        const part = this.reasoning()
        part.signature = e.signature
        part.signatureSource = e.source
        break
      }
      case 'redacted_reasoning': this.content.push({ type: 'reasoning', text: '', redacted: e.data }); break
      case 'tool_call_start': {
        const part: ToolCallPart = { type: 'tool_call', id: e.id, name: e.name, arguments: '' }
        this.calls.set(e.index, part)
        this.content.push(part)
        break
      }
      case 'tool_call_delta': {
        const part = this.calls.get(e.index)
        if (part !== undefined) part.arguments += e.arguments
        break
      }
      case 'usage': this.usage = e.usage; break
      case 'finish':
        this.finish = e.reason
        if (e.usage !== undefined) this.usage = e.usage
        break
      case 'error':
        throw new GatewayError({ kind: kindForStatus(e.status), status: e.status, message: e.message, ...(e.errorType === undefined ? {} : { code: e.errorType }) })
    }
  }

  private appendText (text: string): void {
    const last = this.content[this.content.length - 1]
    if (last?.type === 'text') last.text += text
    else this.content.push({ type: 'text', text })
  }

  /** The open reasoning part (a new one when the last part is something else or already signed). */
  private reasoning (): Extract<AssistantPart, { type: 'reasoning' }> {
    const last = this.content[this.content.length - 1]
    if (last?.type === 'reasoning' && last.signature === undefined && last.redacted === undefined) return last
    const part: Extract<AssistantPart, { type: 'reasoning' }> = { type: 'reasoning', text: '' }
    this.content.push(part)
    return part
  }
}
