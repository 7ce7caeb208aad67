import type { AssistantPart, ChatResponse, FinishReason, Usage } from '../../../schemas/canonical.js'
import type { GeminiCandidate, GeminiGenerateResponse, GeminiResponseExtras, GeminiUsageMetadata } from '../../../schemas/gemini/generate-response.js'
import { toGeminiFinishReason } from '../../../schemas/gemini/finish-reasons.js'
import { encodeModelParts, imageToGeminiPart } from '../../../schemas/gemini/parts-encode.js'
import { isRecord } from '../../../schemas/json-text.js'

/** Canonical usage → usageMetadata: candidatesTokenCount excludes thoughts, the prompt count includes the cache. */
export function encodeUsage (usage: Usage): GeminiUsageMetadata {
  const reasoning = usage.reasoningTokens ?? 0
  const out: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - reasoning),
    totalTokenCount: usage.inputTokens + usage.outputTokens
  }
  if (reasoning > 0) out.thoughtsTokenCount = reasoning
  if (usage.cacheReadTokens !== undefined && usage.cacheReadTokens > 0) out.cachedContentTokenCount = usage.cacheReadTokens
  return out
}

export function encodeCandidate (index: number, content: readonly AssistantPart[], reason: FinishReason | undefined): GeminiCandidate {
  const parts = encodeModelParts(content, { policy: 'client', image: imageToGeminiPart })
  // Gemini's own key order: content, finishReason, index.
  return {
    ...(parts.length > 0 ? { content: { role: 'model' as const, parts } } : {}),
    ...(reason === undefined ? {} : { finishReason: toGeminiFinishReason(reason) }),
    index
  }
}

export function responseExtras (res: Pick<ChatResponse, 'extras'>): GeminiResponseExtras {
  const gemini = res.extras?.gemini
  if (gemini === undefined) return {}
  const out: GeminiResponseExtras = {}
  if (isRecord(gemini.candidate)) {
    // A continuationToken would make genai 3.x try to resume against the gateway (FORMATS.md §4).
    const { continuationToken: _token, ...candidate } = gemini.candidate
    out.candidate = candidate
  }
  if (isRecord(gemini.response)) out.response = gemini.response
  return out
}

/**
 * ChatResponse → GenerateContentResponse. A blocked prompt (no content, promptFeedback.blockReason kept from a
 * Gemini upstream) is written the way Gemini writes it: no candidates.
 */
export function encodeGeminiResponse (res: ChatResponse): GeminiGenerateResponse {
  const extras = responseExtras(res)
  const feedback = extras.response?.promptFeedback
  const blocked = res.content.length === 0 && isRecord(feedback) && feedback.blockReason !== undefined
  const body: GeminiGenerateResponse = {}
  if (!blocked) {
    const first = { ...encodeCandidate(0, res.content, res.finishReason), ...extras.candidate }
    const rest = (res.choices ?? []).map((choice, i) => encodeCandidate(i + 1, choice.content, choice.finishReason))
    body.candidates = [first, ...rest]
  }
  Object.assign(body, extras.response)
  body.usageMetadata = encodeUsage(res.usage)
  body.modelVersion = res.model
  body.responseId = res.id
  return body
}
