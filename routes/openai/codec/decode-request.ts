import type { ChatRequest, ResponseFormat } from '../../../schemas/canonical.js'
import type { OpenAIChatRequest, OpenAIResponseFormat } from '../../../schemas/openai/chat-request.js'
import { OPENAI_HINTS_KEY, type OpenAIHints } from '../../../schemas/openai/hints.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { decodeMessages } from './decode-messages.js'
import { decodeTools } from './decode-tools.js'

/** Top-level fields with a canonical home. Every other non-null field is kept in `extras.openai` verbatim. */
const MAPPED_FIELDS = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'stream', 'stream_options',
  'max_tokens', 'max_completion_tokens', 'reasoning_effort', 'n', 'stop', 'temperature', 'top_p', 'seed', 'user',
  'frequency_penalty', 'presence_penalty', 'metadata', 'functions', 'function_call'
])

function decodeResponseFormat (format: OpenAIResponseFormat): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type }
  const spec = format.json_schema
  if (spec === undefined) throw invalidRequest('response_format.json_schema is required when type is json_schema', 'response_format.json_schema')
  const out: ResponseFormat = { type: 'json_schema', name: spec.name, schema: spec.schema ?? {} }
  if (typeof spec.description === 'string') out.description = spec.description
  if (typeof spec.strict === 'boolean') out.strict = spec.strict
  return out
}

/** Sampling and limits: null means unset, so only real values are copied. */
function decodeSampling (body: OpenAIChatRequest, req: ChatRequest, extras: Record<string, unknown>, hints: OpenAIHints): void {
  const maxCompletion = body.max_completion_tokens ?? undefined
  const maxTokens = body.max_tokens ?? undefined
  if (maxCompletion !== undefined) {
    req.maxTokens = maxCompletion
    // Both given: the canonical cap is max_completion_tokens; an OpenAI upstream still gets both as sent.
    if (maxTokens !== undefined) extras.max_tokens = maxTokens
  } else if (maxTokens !== undefined) {
    req.maxTokens = maxTokens
    hints.maxTokensField = 'max_tokens'
  }
  if (typeof body.temperature === 'number') req.temperature = body.temperature
  if (typeof body.top_p === 'number') req.topP = body.top_p
  if (typeof body.seed === 'number') req.seed = body.seed
  if (typeof body.presence_penalty === 'number') req.presencePenalty = body.presence_penalty
  if (typeof body.frequency_penalty === 'number') req.frequencyPenalty = body.frequency_penalty
  if (typeof body.n === 'number') req.n = body.n
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop ?? []
  if (stop.length > 0) req.stop = [...stop]
  if (typeof body.user === 'string') req.user = body.user
  if (body.metadata !== undefined && body.metadata !== null) req.metadata = { ...body.metadata }
}

function decodeOutput (body: OpenAIChatRequest, req: ChatRequest, extras: Record<string, unknown>): void {
  if (body.response_format !== undefined && body.response_format !== null) req.responseFormat = decodeResponseFormat(body.response_format)
  if (body.reasoning_effort !== undefined && body.reasoning_effort !== null) req.reasoning = { effort: body.reasoning_effort }
  if (typeof body.parallel_tool_calls === 'boolean') req.parallelToolCalls = body.parallel_tool_calls
  const options = body.stream_options
  if (options !== undefined && options !== null) {
    if (options.include_usage === true) req.includeUsage = true
    const rest: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(options)) if (key !== 'include_usage' && value !== null && value !== undefined) rest[key] = value
    if (Object.keys(rest).length > 0) extras.stream_options = rest
  }
}

/** A validated OpenAI chat body → the canonical request (FORMATS.md §1, §7). */
export function decodeOpenAIChatRequest (body: OpenAIChatRequest, ctx: TranslateContext): ChatRequest {
  const decoded = decodeMessages(body.messages, ctx)
  const tools = decodeTools(body)
  const extras: Record<string, unknown> = { ...tools.extras }
  const hints: OpenAIHints = {}
  const req: ChatRequest = { model: body.model, system: decoded.system, messages: decoded.messages, stream: body.stream === true }
  if (tools.tools !== undefined) req.tools = tools.tools
  if (tools.toolChoice !== undefined) req.toolChoice = tools.toolChoice
  if (tools.legacy) hints.legacyFunctions = true
  if (decoded.reasoningContent) hints.reasoningContent = true
  decodeSampling(body, req, extras, hints)
  decodeOutput(body, req, extras)
  for (const [key, value] of Object.entries(body)) {
    // The reserved hints key is never taken from a client.
    if (!MAPPED_FIELDS.has(key) && key !== OPENAI_HINTS_KEY && value !== null && value !== undefined) extras[key] = value
  }
  if (Object.keys(hints).length > 0) extras[OPENAI_HINTS_KEY] = hints
  if (Object.keys(extras).length > 0) req.extras = { openai: extras }
  return req
}
