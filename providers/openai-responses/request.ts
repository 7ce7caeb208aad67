import type { ChatRequest, ReasoningConfig, ResponseFormat, ToolChoice } from '../../schemas/canonical.js'
import { isRecord } from '../../schemas/json-text.js'
import { effortFor } from '../../schemas/reasoning.js'
import { hasOpenAiReasoning, toInputItems } from './request-input.js'

/** Fields a Responses client sent that an OpenAI-compatible Responses upstream understands as they are. */
const RESTORED = ['truncation', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'top_logprobs', 'max_tool_calls'] as const

function toEffort (reasoning: ReasoningConfig | undefined): string | undefined {
  if (reasoning === undefined) return undefined
  const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : effortFor(reasoning.budgetTokens))
  return effort === 'max' ? 'xhigh' : effort
}

function toReasoning (req: ChatRequest, extras: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = isRecord(extras.reasoning) ? { ...extras.reasoning } : {}
  const effort = toEffort(req.reasoning)
  if (effort !== undefined) out.effort = effort
  if (out.summary === undefined && req.reasoning?.includeThoughts === true) out.summary = 'auto'
  return Object.keys(out).length > 0 ? out : undefined
}

function toFormat (format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type }
  return {
    type: 'json_schema',
    // Responses requires a name where Chat Completions and the other protocols do not.
    name: format.name ?? 'response',
    schema: format.schema,
    ...(format.strict === undefined ? {} : { strict: format.strict }),
    ...(format.description === undefined ? {} : { description: format.description })
  }
}

function toToolChoice (choice: ToolChoice | undefined, extras: Record<string, unknown>): unknown {
  if (choice === undefined) return extras.tool_choice
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type
}

function toTools (req: ChatRequest, extras: Record<string, unknown>): unknown[] | undefined {
  const tools: unknown[] = (req.tools ?? []).map(t => ({
    type: 'function',
    name: t.name,
    ...(t.description === undefined ? {} : { description: t.description }),
    parameters: t.parameters,
    // Responses makes function tools strict unless told otherwise; other protocols' tools are not.
    strict: t.strict ?? false
  }))
  if (Array.isArray(extras.tools)) tools.push(...(extras.tools as unknown[]))
  return tools.length > 0 ? tools : undefined
}

function toInclude (req: ChatRequest, extras: Record<string, unknown>, reasoning: Record<string, unknown> | undefined): string[] | undefined {
  const include = new Set(Array.isArray(extras.include) ? extras.include.filter((v): v is string => typeof v === 'string') : [])
  // With store:false, reasoning survives to the next turn only as encrypted content; the API rejects this include
  // for models that do not reason, so it is asked for only when reasoning is on or already in the history.
  const reasons = reasoning?.effort !== undefined && reasoning.effort !== 'none'
  if (reasons || hasOpenAiReasoning(req.messages)) include.add('reasoning.encrypted_content')
  return include.size > 0 ? [...include] : undefined
}

/**
 * Canonical request → body for an OpenAI-compatible `POST /responses`. The upstream keeps nothing
 * (`store: false`): conversations continued with `previous_response_id` are resolved by the gateway.
 * Not expressible and dropped: topK, stop, seed, presence/frequency penalties, n, audio parts, cacheControl.
 */
export function toResponsesRequest (req: ChatRequest, model: string): Record<string, unknown> {
  const extras = req.extras?.responses ?? {}
  const body: Record<string, unknown> = { model, input: toInputItems(req.messages) }
  const instructions = req.system.map(p => p.text).join('\n\n')
  if (instructions !== '') body.instructions = instructions
  const tools = toTools(req, extras)
  if (tools !== undefined) body.tools = tools
  const toolChoice = toToolChoice(req.toolChoice, extras)
  if (toolChoice !== undefined) body.tool_choice = toolChoice
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls
  if (req.maxTokens !== undefined) body.max_output_tokens = req.maxTokens
  if (req.temperature !== undefined) body.temperature = req.temperature
  if (req.topP !== undefined) body.top_p = req.topP
  const reasoning = toReasoning(req, extras)
  if (reasoning !== undefined) body.reasoning = reasoning
  const text = { ...(isRecord(extras.text) ? extras.text : {}), ...(req.responseFormat === undefined ? {} : { format: toFormat(req.responseFormat) }) }
  if (Object.keys(text).length > 0) body.text = text
  const include = toInclude(req, extras, reasoning)
  if (include !== undefined) body.include = include
  if (req.metadata !== undefined) body.metadata = req.metadata
  if (req.user !== undefined) body.user = req.user
  for (const key of RESTORED) if (extras[key] !== undefined && extras[key] !== null) body[key] = extras[key]
  body.store = false
  body.stream = req.stream
  return body
}
