import type { StreamEvent, Usage } from '../../schemas/canonical.js'
import type { SseInput, TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import type { GeminiPartLike } from '../../schemas/gemini/parts-decode.js'
import { codePartText } from '../../schemas/gemini/parts-decode.js'
import { fromThoughtSignature } from '../../schemas/gemini/signatures.js'
import { fromGeminiFinishReason } from '../../schemas/gemini/finish-reasons.js'
import { isRecord } from '../../schemas/json-text.js'
import { candidateParts, fromGeminiUsage, str } from './narrow.js'
import { blockReason } from './response.js'

/**
 * `streamGenerateContent?alt=sse` messages → canonical events. Parts are incremental; a functionCall arrives whole
 * and becomes tool_call_start + one tool_call_delta. usageMetadata is a running total (the last one wins);
 * finishReason on the last chunk ends the stream. An `{"error":…}` chunk becomes an error event.
 * Only candidate 0 is streamed; inline images in a streamed answer have no event and are dropped.
 */
export function createGeminiStreamDecoder (ctx: TranslateContext): UpstreamDecoder {
  let started = false
  let done = false
  let failed = false
  let toolIndex = 0
  let usage: Usage | undefined

  const partEvents = (part: GeminiPartLike): StreamEvent[] => {
    const events: StreamEvent[] = []
    const sig = part.thoughtSignature === undefined || part.thoughtSignature === '' ? undefined : fromThoughtSignature(part.thoughtSignature)
    if (part.functionCall !== undefined) {
      const call = part.functionCall
      const index = toolIndex++
      events.push({
        type: 'tool_call_start',
        index,
        id: call.id !== undefined && call.id !== '' ? call.id : ctx.id('call_'),
        name: call.name,
        ...(sig?.signature === undefined ? {} : { signature: sig.signature }),
        ...(sig?.source === undefined ? {} : { signatureSource: sig.source })
      })
      events.push({ type: 'tool_call_delta', index, arguments: JSON.stringify(call.args ?? {}) })
      return events
    }
    const signature: StreamEvent[] = sig === undefined
      ? []
      : sig.redacted !== undefined
        ? [{ type: 'redacted_reasoning', data: sig.redacted }]
        : sig.signature !== undefined ? [{ type: 'reasoning_signature', signature: sig.signature, source: sig.source ?? 'gemini' }] : []
    if (part.thought === true) {
      if (part.text !== undefined && part.text !== '') events.push({ type: 'reasoning_delta', text: part.text })
      return [...events, ...signature]
    }
    // A signature on a non-thought part signs what follows it (see parts-decode.ts).
    events.push(...signature)
    const text = part.text ?? codePartText(part)
    if (text !== undefined && text !== '') events.push({ type: 'text_delta', text })
    return events
  }

  const chunkEvents = (body: Record<string, unknown>): StreamEvent[] => {
    const events: StreamEvent[] = []
    if (!started) {
      started = true
      const prompt = isRecord(body.usageMetadata) ? fromGeminiUsage(body.usageMetadata)?.inputTokens : undefined
      events.push({
        type: 'start',
        id: str(body.responseId) ?? ctx.id(''),
        model: str(body.modelVersion) ?? '',
        ...(prompt === undefined || prompt === 0 ? {} : { usage: { inputTokens: prompt } })
      })
    }
    const latest = fromGeminiUsage(body.usageMetadata)
    if (latest !== undefined) usage = latest
    if (done) return latest === undefined ? events : [...events, { type: 'usage', usage: latest }]
    const candidate = Array.isArray(body.candidates) ? body.candidates.find(isRecord) : undefined
    if (candidate === undefined) {
      if (blockReason(body) !== undefined) return [...events, finish('content_filter')]
      return events
    }
    for (const part of candidateParts(candidate)) events.push(...partEvents(part))
    const reason = str(candidate.finishReason)
    if (reason !== undefined && reason !== 'FINISH_REASON_UNSPECIFIED') {
      events.push(finish(fromGeminiFinishReason(reason, toolIndex > 0)))
    }
    return events
  }

  const finish = (reason: Extract<StreamEvent, { type: 'finish' }>['reason']): StreamEvent => {
    done = true
    return { type: 'finish', reason, ...(usage === undefined ? {} : { usage }) }
  }

  const fail = (status: number, message: string, errorType?: string): StreamEvent[] => {
    done = true
    failed = true
    return [{ type: 'error', status, message, ...(errorType === undefined ? {} : { errorType }) }]
  }

  return {
    push (message: SseInput): StreamEvent[] {
      const data = message.data.trim()
      if (failed || data === '' || data === '[DONE]') return []
      let body: unknown
      try {
        body = JSON.parse(data)
      } catch {
        return fail(502, 'The Gemini upstream sent a stream chunk that is not JSON')
      }
      if (!isRecord(body)) return []
      if (isRecord(body.error)) {
        const err = body.error
        const code = typeof err.code === 'number' ? err.code : 500
        return fail(code, str(err.message) ?? 'The Gemini upstream reported an error', str(err.status))
      }
      return chunkEvents(body)
    },
    end (): StreamEvent[] {
      if (done) return []
      return fail(502, started ? 'The Gemini stream ended without a finish reason' : 'The Gemini stream ended without any data')
    }
  }
}
