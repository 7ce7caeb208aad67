import type { ChatRequest, ReasoningConfig, ReasoningEffort, ResponseFormat } from '../../../schemas/canonical.js'
import type { GeminiGenerationConfig, GeminiThinkingConfig } from '../../../schemas/gemini/generate-request.js'
import { fromGeminiSchema } from '../../../schemas/gemini/openapi-schema.js'
import { isRecord } from '../../../schemas/json-text.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

/** The canonical fields `generationConfig` sets. */
export type ConfigFields = Pick<ChatRequest,
'temperature' | 'topP' | 'topK' | 'maxTokens' | 'stop' | 'seed' | 'presencePenalty' | 'frequencyPenalty' | 'n' |
'reasoning' | 'responseFormat'>

const MAPPED = new Set([
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty',
  'candidateCount', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'thinkingConfig'
])

const LEVELS = new Set<ReasoningEffort>(['minimal', 'low', 'medium', 'high'])

/**
 * `generationConfig` → canonical sampling, limits, JSON mode and reasoning. Fields without a canonical form
 * (responseModalities, speechConfig, mediaResolution, logprobs, an enum-mode responseMimeType, …) are returned as
 * `extra`, a partial generationConfig for a Gemini upstream.
 */
export function decodeGenerationConfig (config: GeminiGenerationConfig | undefined): { fields: ConfigFields, extra: Record<string, unknown> } {
  const fields: ConfigFields = {}
  const extra: Record<string, unknown> = {}
  if (config === undefined) return { fields, extra }
  if (config.temperature !== undefined) fields.temperature = config.temperature
  if (config.topP !== undefined) fields.topP = config.topP
  if (config.topK !== undefined) fields.topK = config.topK
  if (config.maxOutputTokens !== undefined) fields.maxTokens = config.maxOutputTokens
  if (config.stopSequences !== undefined) fields.stop = config.stopSequences
  if (config.seed !== undefined) fields.seed = config.seed
  if (config.presencePenalty !== undefined) fields.presencePenalty = config.presencePenalty
  if (config.frequencyPenalty !== undefined) fields.frequencyPenalty = config.frequencyPenalty
  if (config.candidateCount !== undefined) fields.n = config.candidateCount
  const format = decodeResponseFormat(config, extra)
  if (format !== undefined) fields.responseFormat = format
  const reasoning = decodeThinking(config.thinkingConfig)
  if (reasoning !== undefined) fields.reasoning = reasoning
  for (const [key, value] of Object.entries(config)) if (!MAPPED.has(key)) extra[key] = value
  return { fields, extra }
}

/**
 * application/json alone → json_object; with `responseJsonSchema` (raw, preferred) or `responseSchema` (OpenAPI
 * subset, converted) → json_schema. Other MIME types (text/x.enum) stay Gemini-only, in `extra`.
 */
function decodeResponseFormat (config: GeminiGenerationConfig, extra: Record<string, unknown>): ResponseFormat | undefined {
  const mime = config.responseMimeType
  const hasSchema = config.responseJsonSchema !== undefined || config.responseSchema !== undefined
  if (mime === 'application/json') {
    if (config.responseJsonSchema !== undefined) {
      if (!isRecord(config.responseJsonSchema)) {
        throw invalidRequest('responseJsonSchema must be a JSON Schema object', 'generationConfig.responseJsonSchema')
      }
      return { type: 'json_schema', schema: config.responseJsonSchema }
    }
    if (config.responseSchema !== undefined) return { type: 'json_schema', schema: fromGeminiSchema(config.responseSchema) }
    return { type: 'json_object' }
  }
  if (mime === undefined && !hasSchema) return undefined
  if (mime === 'text/plain' && !hasSchema) return { type: 'text' }
  if (mime !== undefined) extra.responseMimeType = mime
  if (config.responseSchema !== undefined) extra.responseSchema = config.responseSchema
  if (config.responseJsonSchema !== undefined) extra.responseJsonSchema = config.responseJsonSchema
  return undefined
}

/**
 * thinkingBudget 0 → effort none; N > 0 → that budget; -1 (dynamic) → effort medium, the middle of the shared
 * scale (other upstreams have no "model decides", and a Gemini upstream then gets the medium budget, not -1).
 * thinkingLevel → the effort of the same name.
 */
function decodeThinking (config: GeminiThinkingConfig | undefined): ReasoningConfig | undefined {
  if (config === undefined) return undefined
  const reasoning: ReasoningConfig = {}
  const budget = config.thinkingBudget
  const level = config.thinkingLevel?.toLowerCase()
  if (budget !== undefined && level !== undefined && level !== 'thinking_level_unspecified') {
    throw invalidRequest('thinkingBudget and thinkingLevel cannot be combined', 'generationConfig.thinkingConfig.thinkingLevel')
  }
  if (budget === -1) reasoning.effort = 'medium'
  else if (budget === 0) reasoning.effort = 'none'
  else if (budget !== undefined) reasoning.budgetTokens = budget
  if (level !== undefined && level !== 'thinking_level_unspecified') {
    if (!LEVELS.has(level as ReasoningEffort)) {
      throw invalidRequest(`unknown thinkingLevel "${config.thinkingLevel ?? ''}" (expected MINIMAL, LOW, MEDIUM or HIGH)`, 'generationConfig.thinkingConfig.thinkingLevel')
    }
    reasoning.effort = level as ReasoningEffort
  }
  if (config.includeThoughts !== undefined) reasoning.includeThoughts = config.includeThoughts
  return Object.keys(reasoning).length > 0 ? reasoning : undefined
}
