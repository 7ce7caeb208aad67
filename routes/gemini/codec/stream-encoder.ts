import type { ChatRequest, StreamEvent, Usage } from '../../../schemas/canonical.js'
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
  signatureSource?: Extract<StreamEvent, { type: 'tool_call_start' }>['signatureSource']
}

/**
 * Canonical stream events → `streamGenerateContent?alt=sse` chunks: data-only messages (an `event:` line would
 * make the genai SDK drop the message), one GenerateContentResponse per delta. Gemini sends function calls whole,
 * so tool calls are buffered until complete (the next non-tool event, the next call, or the finish). The finish
 * chunk carries finishReason and usageMetadata and is the last; nothing follows it on a normal end.
 */
export function createGeminiStreamEncoder (req: ChatRequest, ctx: TranslateContext): StreamEncoder {
  let responseId: string | undefined
  let modelVersion = req.model
  let lastUsage: Usage | undefined
  let finishReason: string | undefined
  const calls = new Map<number, PendingCall>()

  const chunk = (parts: GeminiOutPart[], extra: { finishReason?: string, usage?: Usage } = {}): SseMessage => {
    responseId ??= ctx.id('')
    const candidate: GeminiCandidate = {
      ...(parts.length > 0 ? { content: { role: 'model' as const, parts } } : {}),
      ...(extra.finishReason === undefined ? {} : { finishReason: extra.finishReason }),
      index: 0
    }
    const data: GeminiGenerateResponse = { candidates: [candidate] }
    if (extra.usage !== undefined) data.usageMetadata = encodeUsage(extra.usage)
    data.modelVersion = modelVersion
    data.responseId = responseId
    return { data }
  }

  const takeCalls = (): GeminiOutPart[] => {
    const parts = [...calls.values()].map((call): GeminiOutPart => ({
      functionCall: { id: call.id, name: call.name, args: parseArguments(call.args) },
      ...(call.signature === undefined ? {} : { thoughtSignature: toThoughtSignature(call.signature, call.signatureSource) })
    }))
    calls.clear()
    return parts
  }

  const withCalls = (part: GeminiOutPart): SseMessage[] => [chunk([...takeCalls(), part])]

  return {
    encode (event: StreamEvent): SseMessage[] {
      switch (event.type) {
        case 'start':
          responseId = event.id
          if (event.model !== '') modelVersion = event.model
          return []
        case 'text_delta':
          return event.text === '' ? [] : withCalls({ text: event.text })
        case 'reasoning_delta':
          return event.text === '' ? [] : withCalls({ text: event.text, thought: true })
        case 'reasoning_signature':
          return withCalls({ text: '', thought: true, thoughtSignature: toThoughtSignature(event.signature, event.source) })
        case 'redacted_reasoning':
          return withCalls({ text: '', thought: true, thoughtSignature: redactedThoughtSignature(event.data) })
        case 'tool_call_start': {
          const earlier = calls.size > 0 ? [chunk(takeCalls())] : []
          calls.set(event.index, {
            id: event.id,
            name: event.name,
            args: '',
            ...(event.signature === undefined ? {} : { signature: event.signature }),
            ...(event.signatureSource === undefined ? {} : { signatureSource: event.signatureSource })
          })
          return earlier
        }
        case 'tool_call_delta': {
          const call = calls.get(event.index)
          if (call !== undefined) call.args += event.arguments
          return []
        }
        case 'usage':
          lastUsage = event.usage
          // A usage report after the finish (OpenAI include_usage) repeats the finish so the last chunk keeps it.
          return finishReason === undefined ? [] : [chunk([], { finishReason, usage: event.usage })]
        case 'finish': {
          finishReason = toGeminiFinishReason(event.reason)
          const usage = event.usage ?? lastUsage
          return [chunk(takeCalls(), { finishReason, ...(usage === undefined ? {} : { usage }) })]
        }
        case 'error':
          return [{ data: geminiErrorBody(event.status, event.message, event.errorType === undefined ? {} : { statusName: event.errorType }) }]
      }
    },
    end (): SseMessage[] {
      // No terminator: the SDK just reads to the close ([DONE] would break its JSON parse). Calls of a stream
      // that never finished still go out rather than vanish.
      return calls.size > 0 ? [chunk(takeCalls())] : []
    },
    error (err: GatewayError): SseMessage[] {
      return [{ data: renderGeminiError(err).body }]
    }
  }
}
