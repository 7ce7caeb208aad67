import type { ModelInfo } from '../../schemas/canonical.js'

/** Gemini's model object; the SDK exposes supportedGenerationMethods as supportedActions. */
export function toGeminiModel (model: ModelInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: `models/${model.id}`,
    version: '001',
    displayName: model.displayName ?? model.id,
    inputTokenLimit: model.inputTokenLimit ?? 1_048_576,
    outputTokenLimit: model.outputTokenLimit ?? 65_536,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens']
  }
  if (model.thinking !== undefined) out.thinking = model.thinking
  return out
}

/** Gemini's list with pageSize/pageToken (the token is the offset, opaque to clients). */
export function toGeminiModelList (models: ModelInfo[], query: Record<string, unknown>): Record<string, unknown> {
  const size = Math.min(1000, Math.max(1, Number(query.pageSize ?? 50) || 50))
  const offset = typeof query.pageToken === 'string' ? Math.max(0, Number.parseInt(query.pageToken, 10) || 0) : 0
  const page = models.slice(offset, offset + size)
  const out: Record<string, unknown> = { models: page.map(toGeminiModel) }
  if (offset + size < models.length) out.nextPageToken = String(offset + size)
  return out
}
