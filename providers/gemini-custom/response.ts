import type { AssistantPart, ChatResponse, FinishReason } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import type { GeminiResponseExtras } from '../../schemas/gemini/generate-response.js'
import { fromGeminiFinishReason } from '../../schemas/gemini/finish-reasons.js'
import { decodeModelParts } from '../../schemas/gemini/parts-decode.js'
import { isRecord } from '../../schemas/json-text.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { candidateParts, fromGeminiUsage, str } from './narrow.js'

const CANDIDATE_KEYS = new Set(['content', 'finishReason', 'index'])
const RESPONSE_KEYS = new Set(['candidates', 'usageMetadata', 'modelVersion', 'responseId'])

function rest (record: Record<string, unknown>, known: Set<string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (!known.has(key) && value !== undefined) out[key] = value
  return Object.keys(out).length > 0 ? out : undefined
}

/** One candidate's content and finish reason (function calls get ids synthesized when Gemini sent none). */
export function decodeCandidate (candidate: Record<string, unknown>, ctx: TranslateContext): { content: AssistantPart[], finishReason: FinishReason } {
  const content = decodeModelParts(candidateParts(candidate), ctx)
  const hasCall = content.some(p => p.type === 'tool_call')
  return { content, finishReason: fromGeminiFinishReason(str(candidate.finishReason), hasCall) }
}

/** Whether the prompt itself was blocked (no candidates, promptFeedback.blockReason). */
export function blockReason (body: Record<string, unknown>): string | undefined {
  const feedback = body.promptFeedback
  return isRecord(feedback) ? str(feedback.blockReason) : undefined
}

/**
 * A generateContent response body → canonical response. Grounding, citations, safety ratings and prompt
 * feedback are kept in `extras.gemini` (GeminiResponseExtras) for a Gemini client.
 */
export function fromGeminiResponse (body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isRecord(body)) {
    throw new GatewayError({ kind: 'bad_gateway', status: 502, message: 'The Gemini upstream returned a response that is not a JSON object' })
  }
  const candidates = Array.isArray(body.candidates) ? body.candidates.filter(isRecord) : []
  const [first, ...others] = candidates
  const decoded = first === undefined
    ? { content: [], finishReason: blockReason(body) !== undefined ? 'content_filter' as const : 'stop' as const }
    : decodeCandidate(first, ctx)
  const res: ChatResponse = {
    id: str(body.responseId) ?? ctx.id(''),
    model: str(body.modelVersion) ?? '',
    created: Math.floor(ctx.now() / 1000),
    content: decoded.content,
    finishReason: decoded.finishReason,
    usage: fromGeminiUsage(body.usageMetadata) ?? { inputTokens: 0, outputTokens: 0 }
  }
  if (others.length > 0) res.choices = others.map(c => decodeCandidate(c, ctx))
  const extras: GeminiResponseExtras = {}
  const candidateExtra = first === undefined ? undefined : rest(first, CANDIDATE_KEYS)
  const responseExtra = rest(body, RESPONSE_KEYS)
  if (candidateExtra !== undefined) extras.candidate = candidateExtra
  if (responseExtra !== undefined) extras.response = responseExtra
  if (Object.keys(extras).length > 0) res.extras = { gemini: { ...extras } }
  return res
}
