import type { AssistantPart, ChatResponse, FinishReason, StreamEvent, Usage } from '../schemas/canonical.js'

/**
 * Folds canonical stream events into a ChatResponse: for the prompt log, for non-stream calls served by a streaming
 * upstream, and for stored Responses. Text and reasoning deltas append to the open part of their kind.
 */
export class StreamAccumulator {
  private id = ''
  private model = ''
  private readonly content: AssistantPart[] = []
  private readonly toolParts = new Map<number, AssistantPart & { type: 'tool_call' }>()
  private finishReason: FinishReason = 'stop'
  private stopSequence: string | undefined
  private finished = false
  usage: Usage = { inputTokens: 0, outputTokens: 0 }
  error: { status: number, message: string } | undefined

  constructor (private readonly created: number) {}

  push (event: StreamEvent): void {
    switch (event.type) {
      case 'start':
        this.id = event.id
        this.model = event.model
        if (event.usage !== undefined) this.usage = { ...this.usage, ...event.usage }
        break
      case 'text_delta': {
        const last = this.content.at(-1)
        if (last?.type === 'text') last.text += event.text
        else this.content.push({ type: 'text', text: event.text })
        break
      }
      case 'reasoning_delta': {
        const last = this.content.at(-1)
        if (last?.type === 'reasoning' && last.signature === undefined) last.text += event.text
        else this.content.push({ type: 'reasoning', text: event.text })
        break
      }
      case 'reasoning_signature': {
        const last = this.content.at(-1)
        if (last?.type === 'reasoning') {
          last.signature = event.signature
          last.signatureSource = event.source
        } else {
          this.content.push({ type: 'reasoning', text: '', signature: event.signature, signatureSource: event.source })
        }
        break
      }
      case 'redacted_reasoning':
        this.content.push({ type: 'reasoning', text: '', redacted: event.data })
        break
      case 'tool_call_start': {
        const part: AssistantPart & { type: 'tool_call' } = { type: 'tool_call', id: event.id, name: event.name, arguments: '' }
        if (event.signature !== undefined) part.signature = event.signature
        if (event.signatureSource !== undefined) part.signatureSource = event.signatureSource
        this.toolParts.set(event.index, part)
        this.content.push(part)
        break
      }
      case 'tool_call_delta': {
        const part = this.toolParts.get(event.index)
        if (part !== undefined) part.arguments += event.arguments
        break
      }
      case 'usage':
        this.usage = event.usage
        break
      case 'finish':
        this.finished = true
        this.finishReason = event.reason
        this.stopSequence = event.stopSequence
        if (event.usage !== undefined) this.usage = event.usage
        break
      case 'error':
        this.error = { status: event.status, message: event.message }
        this.finishReason = 'error'
        break
    }
  }

  get isFinished (): boolean {
    return this.finished
  }

  result (): ChatResponse {
    const res: ChatResponse = {
      id: this.id,
      model: this.model,
      created: this.created,
      content: this.content,
      finishReason: this.finishReason,
      usage: this.usage
    }
    if (this.stopSequence !== undefined) res.stopSequence = this.stopSequence
    return res
  }
}

/** Drains a canonical event stream into one response (non-stream clients of stream-only upstreams). */
export async function collectStream (events: AsyncIterable<StreamEvent[]>, created: number): Promise<ChatResponse> {
  const acc = new StreamAccumulator(created)
  for await (const batch of events) for (const event of batch) acc.push(event)
  return acc.result()
}
