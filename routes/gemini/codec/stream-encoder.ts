import type { ChatRequest, SignatureSource, StreamEvent, Usage } from '../../../schemas/canonical.js'
import type { SseMessage, TranslateContext } from '../../../schemas/translate-context.js'
import type { GeminiCandidate, GeminiGenerateResponse, GeminiOutPart } from '../../../schemas/gemini/generate-response.js'
import type { StreamEncoder } from '../../surface-codec.js'
import type { GatewayError } from '../../../plugins/gateway-error.js'
import { toGeminiFinishReason } from '../../../schemas/gemini/finish-reasons.js'
import { redactedThoughtSignature, toThoughtSignature } from '../../../schemas/gemini/signatures.js'
import { parseArguments } from '../../../schemas/json-text.js'
import { encodeUsage } from './encode-response.js'
import { geminiErrorBody, renderGeminiError } from './render-error.js'

interface PendingCall {
  id: string
  name: string
  args: string
  signature?: string
  signatureSource?: SignatureSource
}

/**
 * Canonical stream events → `streamGenerateContent?alt=sse` chunks: data-only messages (an `event:` line would
 * make the genai SDK drop the message), one GenerateContentResponse per delta. Gemini sends function calls whole,
 * so tool calls are buffered until complete (the next non-tool event, the next call, or the finish). The finish
 * chunk carries finishReason and usageMetadata and is the last; nothing follows it on a normal end.
 */
class GeminiStreamEncoder implements StreamEncoder {
  private responseId: string | undefined
  private modelVersion: string
  private lastUsage: Usage | undefined
  private finishReason: string | undefined
  private readonly calls = new Map<number, PendingCall>()

  constructor (req: ChatRequest, private readonly ctx: TranslateContext) {
    this.modelVersion = req.model
  }

  encode (event: StreamEvent): SseMessage[] {
    switch (event.type) {
      case 'start':
        this.responseId = event.id
        if (event.model !== '') this.modelVersion = event.model
        return []
      case 'text_delta':
        return event.text === '' ? [] : this.withCalls({ text: event.text })
      case 'reasoning_delta':
        return event.text === '' ? [] : this.withCalls({ text: event.text, thought: true })
      case 'reasoning_signature':
        return this.withCalls({ text: '', thought: true, thoughtSignature: toThoughtSignature(event.signature, event.source) })
      case 'redacted_reasoning':
        return this.withCalls({ text: '', thought: true, thoughtSignature: redactedThoughtSignature(event.data) })
      case 'tool_call_start':
        return this.startCall(event)
      case 'tool_call_delta': {
        const call = this.calls.get(event.index)
        if (call !== undefined) call.args += event.arguments
        return []
      }
      case 'usage':
        this.lastUsage = event.usage
        // A usage report after the finish (OpenAI include_usage) repeats the finish so the last chunk keeps it.
        return this.finishReason === undefined ? [] : [this.chunk([], event.usage)]
      case 'finish': {
        this.finishReason = toGeminiFinishReason(event.reason)
        return [this.chunk(this.takeCalls(), event.usage ?? this.lastUsage)]
      }
      case 'error':
        return [{ data: geminiErrorBody(event.status, event.message, event.errorType === undefined ? {} : { statusName: event.errorType }) }]
    }
  }

  end (): SseMessage[] {
    // No terminator: the SDK reads to the close ([DONE] would break its JSON parse). Calls of a stream that
    // never finished still go out rather than vanish.
    return this.calls.size > 0 ? [this.chunk(this.takeCalls())] : []
  }

  error (err: GatewayError): SseMessage[] {
    return [{ data: renderGeminiError(err).body }]
  }

  private startCall (event: Extract<StreamEvent, { type: 'tool_call_start' }>): SseMessage[] {
    const earlier = this.calls.size > 0 ? [this.chunk(this.takeCalls())] : []
    this.calls.set(event.index, {
      id: event.id,
      name: event.name,
      args: '',
      ...(event.signature === undefined ? {} : { signature: event.signature }),
      ...(event.signatureSource === undefined ? {} : { signatureSource: event.signatureSource })
    })
    return earlier
  }

  private takeCalls (): GeminiOutPart[] {
    const parts = [...this.calls.values()].map((call): GeminiOutPart => ({
      functionCall: { id: call.id, name: call.name, args: parseArguments(call.args) },
      ...(call.signature === undefined ? {} : { thoughtSignature: toThoughtSignature(call.signature, call.signatureSource) })
    }))
    this.calls.clear()
    return parts
  }

  private withCalls (part: GeminiOutPart): SseMessage[] {
    return [this.chunk([...this.takeCalls(), part])]
  }

  /** One GenerateContentResponse chunk; after the finish every chunk repeats the finish reason. */
  private chunk (parts: GeminiOutPart[], usage?: Usage): SseMessage {
    this.responseId ??= this.ctx.id('')
    const candidate: GeminiCandidate = {
      ...(parts.length > 0 ? { content: { role: 'model' as const, parts } } : {}),
      ...(this.finishReason === undefined ? {} : { finishReason: this.finishReason }),
      index: 0
    }
    const data: GeminiGenerateResponse = { candidates: [candidate] }
    if (usage !== undefined) data.usageMetadata = encodeUsage(usage)
    data.modelVersion = this.modelVersion
    data.responseId = this.responseId
    return { data }
  }
}

export function createGeminiStreamEncoder (req: ChatRequest, ctx: TranslateContext): StreamEncoder {
  return new GeminiStreamEncoder(req, ctx)
}
