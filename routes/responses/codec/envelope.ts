import type { ChatRequest, FinishReason, ResponseFormat, ToolChoice, Usage } from '../../../schemas/canonical.js'
import type { OutputItem } from './output-items.js'

/** The client's own unmapped fields (decodeResponsesRequest put them there). */
export function responsesExtras (req: ChatRequest): Record<string, unknown> {
  return req.extras?.responses ?? {}
}

/** Whether the client asked for reasoning signatures (`include: ["reasoning.encrypted_content"]`). */
export function wantsEncrypted (req: ChatRequest): boolean {
  const include = responsesExtras(req).include
  return Array.isArray(include) && include.includes('reasoning.encrypted_content')
}

export interface Outcome {
  status: 'completed' | 'incomplete' | 'failed' | 'in_progress'
  incompleteDetails: { reason: string } | null
  error: { code: string, message: string } | null
}

export function outcomeFor (reason: FinishReason): Outcome {
  switch (reason) {
    case 'length': case 'context_window':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' }, error: null }
    case 'content_filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' }, error: null }
    case 'error':
      return { status: 'failed', incompleteDetails: null, error: { code: 'server_error', message: 'The model failed to produce a valid response.' } }
    default:
      return { status: 'completed', incompleteDetails: null, error: null }
  }
}

export function toWireUsage (usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens
  }
}

function toWireToolChoice (choice: ToolChoice | undefined, extras: Record<string, unknown>): unknown {
  if (choice === undefined) return extras.tool_choice ?? 'auto'
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type
}

export function toWireFormat (format: ResponseFormat | undefined): Record<string, unknown> {
  if (format === undefined || format.type !== 'json_schema') return { type: format?.type ?? 'text' }
  return {
    type: 'json_schema',
    name: format.name ?? 'response',
    schema: format.schema,
    strict: format.strict ?? null,
    ...(format.description === undefined ? {} : { description: format.description })
  }
}

function echoTools (req: ChatRequest, extras: Record<string, unknown>): unknown[] {
  const tools: unknown[] = (req.tools ?? []).map(t => ({
    type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters, strict: t.strict ?? null
  }))
  if (Array.isArray(extras.tools)) tools.push(...(extras.tools as unknown[]))
  return tools
}

function objectOr (value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

export interface EnvelopeState {
  id: string
  createdAt: number
  model: string
  outcome: Outcome
  output: OutputItem[]
  usage: Usage | null
}

/** The whole Response object: state plus every request field OpenAI echoes back. */
export function responseEnvelope (req: ChatRequest, state: EnvelopeState): Record<string, unknown> {
  const extras = responsesExtras(req)
  const echoed: Record<string, unknown> = {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.outcome.status,
    background: false,
    error: state.outcome.error,
    incomplete_details: state.outcome.incompleteDetails,
    instructions: extras.instructions ?? null,
    max_output_tokens: req.maxTokens ?? null,
    model: state.model,
    output: state.output,
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: extras.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: null, ...objectOr(extras.reasoning) },
    store: extras.store ?? true,
    temperature: req.temperature ?? null,
    text: { format: toWireFormat(req.responseFormat), ...objectOr(extras.text) },
    tool_choice: toWireToolChoice(req.toolChoice, extras),
    tools: echoTools(req, extras),
    top_p: req.topP ?? null,
    truncation: extras.truncation ?? 'disabled',
    usage: state.usage === null ? null : toWireUsage(state.usage)
  }
  for (const key of ['prompt_cache_key', 'safety_identifier', 'service_tier']) if (extras[key] !== undefined) echoed[key] = extras[key]
  if (req.user !== undefined) echoed.user = req.user
  echoed.metadata = req.metadata ?? {}
  return echoed
}
