import type { FinishReason, StreamEvent, Usage } from '../../schemas/canonical.js'
import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import type { GeminiPartLike } from '../../schemas/gemini/parts-decode.js'
import { codePartText } from '../../schemas/gemini/parts-decode.js'
import { fromThoughtSignature, type DecodedSignature } from '../../schemas/gemini/signatures.js'
import { fromGeminiFinishReason } from '../../schemas/gemini/finish-reasons.js'
import { isRecord } from '../../schemas/json-text.js'
import { candidateParts, fromGeminiUsage, str } from './narrow.js'
import { blockReason } from './response.js'

function signatureEvents (sig: DecodedSignature | undefined): StreamEvent[] {
  if (sig === undefined) return []
  if (sig.redacted !== undefined) return [{ type: 'redacted_reasoning', data: sig.redacted }]
  if (sig.signature === undefined) return []
  return [{ type: 'reasoning_signature', signature: sig.signature, source: sig.source ?? 'gemini' }]
}

/**
 * `streamGenerateContent?alt=sse` messages → canonical events. Parts are incremental; a functionCall arrives whole
 * and becomes tool_call_start + one tool_call_delta. usageMetadata is a running total (the last one wins);
 * finishReason on the last chunk ends the stream (a later usage-only chunk becomes a trailing `usage` event).
 * An `{"error":…}` chunk becomes an error event and nothing after it is read.
 * Only candidate 0 is streamed; inline images in a streamed answer have no event and are dropped.
 */
class GeminiStreamDecoder implements UpstreamDecoder {
  private started = false
  private done = false
  private failed = false
  private toolIndex = 0
  private usage: Usage | undefined

  constructor (private readonly ctx: TranslateContext) {}

  push (message: SseInput): StreamEvent[] {
    const data = message.data.trim()
    if (this.failed || data === '' || data === '[DONE]') return []
    let body: unknown
    try {
      body = JSON.parse(data)
    } catch {
      return this.fail(502, 'The Gemini upstream sent a stream chunk that is not JSON')
    }
    if (!isRecord(body)) return []
    if (isRecord(body.error)) {
      const err = body.error
      return this.fail(typeof err.code === 'number' ? err.code : 500, str(err.message) ?? 'The Gemini upstream reported an error', str(err.status))
    }
    return this.chunk(body)
  }

  end (): StreamEvent[] {
    if (this.done) return []
    return this.fail(502, this.started ? 'The Gemini stream ended without a finish reason' : 'The Gemini stream ended without any data')
  }

  private chunk (body: Record<string, unknown>): StreamEvent[] {
    const events = this.start(body)
    const latest = fromGeminiUsage(body.usageMetadata)
    if (latest !== undefined) this.usage = latest
    if (this.done) return latest === undefined ? events : [...events, { type: 'usage', usage: latest }]
    const candidate = Array.isArray(body.candidates) ? body.candidates.find(isRecord) : undefined
    if (candidate === undefined) return blockReason(body) === undefined ? events : [...events, this.finish('content_filter')]
    for (const part of candidateParts(candidate)) events.push(...this.part(part))
    const reason = str(candidate.finishReason)
    if (reason !== undefined && reason !== 'FINISH_REASON_UNSPECIFIED') {
      events.push(this.finish(fromGeminiFinishReason(reason, this.toolIndex > 0)))
    }
    return events
  }

  private start (body: Record<string, unknown>): StreamEvent[] {
    if (this.started) return []
    this.started = true
    const prompt = fromGeminiUsage(body.usageMetadata)?.inputTokens
    return [{
      type: 'start',
      id: str(body.responseId) ?? this.ctx.id(''),
      model: str(body.modelVersion) ?? '',
      ...(prompt === undefined || prompt === 0 ? {} : { usage: { inputTokens: prompt } })
    }]
  }

  private part (part: GeminiPartLike): StreamEvent[] {
    const sig = part.thoughtSignature === undefined || part.thoughtSignature === '' ? undefined : fromThoughtSignature(part.thoughtSignature)
    if (part.functionCall !== undefined) {
      const call = part.functionCall
      const index = this.toolIndex++
      return [{
        type: 'tool_call_start',
        index,
        id: call.id !== undefined && call.id !== '' ? call.id : this.ctx.id('call_'),
        name: call.name,
        ...(sig?.signature === undefined ? {} : { signature: sig.signature }),
        ...(sig?.source === undefined ? {} : { signatureSource: sig.source })
      }, { type: 'tool_call_delta', index, arguments: JSON.stringify(call.args ?? {}) }]
    }
    if (part.thought === true) {
      const text: StreamEvent[] = part.text !== undefined && part.text !== '' ? [{ type: 'reasoning_delta', text: part.text }] : []
      return [...text, ...signatureEvents(sig)]
    }
    // A signature on a non-thought part signs what follows it (see parts-decode.ts).
    const text = part.text ?? codePartText(part)
    return [...signatureEvents(sig), ...(text !== undefined && text !== '' ? [{ type: 'text_delta' as const, text }] : [])]
  }

  private finish (reason: FinishReason): StreamEvent {
    this.done = true
    return { type: 'finish', reason, ...(this.usage === undefined ? {} : { usage: this.usage }) }
  }

  private fail (status: number, message: string, errorType?: string): StreamEvent[] {
    this.done = true
    this.failed = true
    return [{ type: 'error', status, message, ...(errorType === undefined ? {} : { errorType }) }]
  }
}

export function createGeminiStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  return new GeminiStreamDecoder(ctx)
}
