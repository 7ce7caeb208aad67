import { isRecord } from '../../schemas/json-text.js'

/**
 * Code Assist (`cloudcode-pa.googleapis.com/v1internal`) wraps a Vertex-style Gemini request and response
 * (FORMATS.md §5). These functions convert between that envelope and plain Gemini bodies, so the Gemini
 * translators (and the Gemini surface's passthrough) work unchanged. Pure.
 */

export function bareModel (model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model
}

/**
 * `{model, project, user_prompt_id, request}` for generateContent / streamGenerateContent. The inner request is
 * the Gemini body without any `model` key; `session_id` (Gemini CLI's per-session id) goes inside it.
 */
export function wrapCodeAssistRequest (
  geminiBody: Record<string, unknown>,
  model: string,
  project: string,
  userPromptId: string,
  sessionId?: string
): Record<string, unknown> {
  const { model: _model, ...request } = geminiBody
  if (sessionId !== undefined) request.session_id = sessionId
  return { model: bareModel(model), project, user_prompt_id: userPromptId, request }
}

/**
 * The inner Gemini response of a Code Assist body or SSE chunk: `.response`, with `traceId` as `responseId`
 * when the response has none. Anything else (an `{"error":…}` body) is returned unchanged.
 */
export function unwrapCodeAssistResponse (body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.response)) return body
  const response = body.response
  if (typeof response.responseId === 'string' || typeof body.traceId !== 'string') return response
  return { ...response, responseId: body.traceId }
}

/** countTokens: `{"request":{"model":"models/<id>","contents":[…]}}` (only contents are counted there). */
export function wrapCodeAssistCountTokens (geminiBody: Record<string, unknown>, model: string): Record<string, unknown> {
  const inner = isRecord(geminiBody.generateContentRequest) ? geminiBody.generateContentRequest : geminiBody
  const contents = Array.isArray(inner.contents) ? inner.contents : []
  return { request: { model: `models/${bareModel(model)}`, contents } }
}

/** `{"totalTokens":N}` → N (0 when absent). */
export function unwrapCodeAssistCountTokens (body: unknown): number {
  if (!isRecord(body)) return 0
  const total = typeof body.totalTokens === 'string' ? Number(body.totalTokens) : body.totalTokens
  return typeof total === 'number' && Number.isFinite(total) ? total : 0
}
