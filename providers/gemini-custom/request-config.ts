import type { ChatRequest, ReasoningConfig, ReasoningEffort, ToolChoice, ToolDefinition } from '../../schemas/canonical.js'
import { budgetFor, effortFor } from '../../schemas/reasoning.js'
import { toGeminiParameters, toGeminiSchema } from '../../schemas/gemini/sanitize-schema.js'
import { isRecord } from '../../schemas/json-text.js'

/** Tool declarations with sanitized schemas; a tool without parameters declares none (not an empty OBJECT). */
export function toGeminiTools (tools: readonly ToolDefinition[]): Array<Record<string, unknown>> {
  const declarations = tools.map(tool => {
    const parameters = toGeminiParameters(tool.parameters)
    const empty = parameters.type === 'object' && (!isRecord(parameters.properties) || Object.keys(parameters.properties).length === 0)
    return {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(empty ? {} : { parameters })
    }
  })
  return declarations.length > 0 ? [{ functionDeclarations: declarations }] : []
}

/**
 * Tool choice → functionCallingConfig. A client's exact Gemini config kept in extras (ANY with several names,
 * VALIDATED) is used when the canonical choice is still the one it was decoded to.
 */
export function toGeminiToolConfig (choice: ToolChoice | undefined, extra: unknown): Record<string, unknown> | undefined {
  const { functionCallingConfig: kept, ...rest } = isRecord(extra) ? extra : {}
  let fcc: Record<string, unknown> | undefined
  if (choice?.type === 'auto') fcc = { mode: 'AUTO' }
  else if (choice?.type === 'none') fcc = { mode: 'NONE' }
  else if (choice?.type === 'required') fcc = { mode: 'ANY' }
  else if (choice?.type === 'tool') fcc = { mode: 'ANY', allowedFunctionNames: [choice.name] }
  if (isRecord(kept) && ((kept.mode === 'ANY' && choice?.type === 'required') || (kept.mode === 'VALIDATED' && choice?.type === 'auto'))) {
    fcc = kept
  }
  const config = { ...rest, ...(fcc === undefined ? {} : { functionCallingConfig: fcc }) }
  return Object.keys(config).length > 0 ? config : undefined
}

const NON_THINKING = /gemini-(1\.|2\.0)|gemma|embedding|imagen/

const PRO_LEVELS: Record<ReasoningEffort, string> = {
  none: 'LOW', minimal: 'LOW', low: 'LOW', medium: 'HIGH', high: 'HIGH', xhigh: 'HIGH', max: 'HIGH'
}
const FLASH_LEVELS: Record<ReasoningEffort, string> = {
  none: 'MINIMAL', minimal: 'MINIMAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', xhigh: 'HIGH', max: 'HIGH'
}

/**
 * Reasoning → thinkingConfig. Gemini 3 takes a level (Pro: LOW/HIGH; Flash also MINIMAL/MEDIUM; thinking cannot
 * be switched off, so `none` is the lowest level). Gemini 2.5 takes a budget, clamped to the model's range
 * (Pro cannot switch thinking off: 128 minimum, 32768 maximum; the others up to 24576). Thoughts are included
 * unless the client said otherwise, so reasoning can be shown.
 */
export function toThinkingConfig (reasoning: ReasoningConfig | undefined, model: string): Record<string, unknown> | undefined {
  // Models that cannot think reject a thinkingConfig outright.
  if (reasoning === undefined || NON_THINKING.test(model)) return undefined
  const includeThoughts = reasoning.includeThoughts ?? true
  if (/gemini-3/.test(model)) {
    const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : effortFor(reasoning.budgetTokens))
    if (effort === undefined) return { includeThoughts }
    const levels = /gemini-3[^/]*flash/.test(model) ? FLASH_LEVELS : PRO_LEVELS
    return { thinkingLevel: levels[effort], includeThoughts }
  }
  const budget = budgetFor(reasoning)
  if (budget === undefined) return { includeThoughts }
  const pro = /2\.5-pro/.test(model)
  const clamped = Math.min(Math.max(budget, pro ? 128 : 0), pro ? 32768 : 24576)
  return clamped === 0 ? { thinkingBudget: 0 } : { thinkingBudget: clamped, includeThoughts }
}

/** Sampling, limits, JSON mode and thinking → generationConfig (undefined when there is nothing to say). */
export function toGenerationConfig (req: ChatRequest, model: string): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {}
  if (req.temperature !== undefined) config.temperature = req.temperature
  if (req.topP !== undefined) config.topP = req.topP
  if (req.topK !== undefined) config.topK = req.topK
  if (req.maxTokens !== undefined) config.maxOutputTokens = req.maxTokens
  if (req.stop !== undefined && req.stop.length > 0) config.stopSequences = req.stop
  if (req.seed !== undefined) config.seed = req.seed
  if (req.presencePenalty !== undefined) config.presencePenalty = req.presencePenalty
  if (req.frequencyPenalty !== undefined) config.frequencyPenalty = req.frequencyPenalty
  if (req.n !== undefined && req.n > 1) config.candidateCount = req.n
  const format = req.responseFormat
  if (format?.type === 'json_object') config.responseMimeType = 'application/json'
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json'
    config.responseSchema = toGeminiSchema(format.schema)
  }
  const thinking = toThinkingConfig(req.reasoning, model)
  if (thinking !== undefined) config.thinkingConfig = thinking
  return Object.keys(config).length > 0 ? config : undefined
}

/**
 * Fills a Gemini body with what a Gemini client sent that has no canonical form (`extras.gemini`, a partial
 * body): absent keys are added, objects merged recursively, `tools` appended; where both have a value, the
 * body built from the canonical request wins (hooks and routing may have changed it).
 */
export function mergeGeminiExtras (body: Record<string, unknown>, extras: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(extras)) {
    const current = body[key]
    if (key === 'tools' && Array.isArray(value)) body.tools = [...(Array.isArray(current) ? current : []), ...value]
    else if (current === undefined) body[key] = value
    else if (isRecord(current) && isRecord(value)) mergeGeminiExtras(current, value)
  }
}
