import type { ChatRequest, ResponseFormat, ToolChoice } from '../../schemas/canonical.js'
import { openAIExtraFields, readOpenAIHints, type OpenAIHints } from '../../schemas/openai/hints.js'
import { isRecord } from '../../schemas/json-text.js'
import { effortFor } from '../../schemas/reasoning.js'
import { toOpenAIMessages } from './request-messages.js'

function toolChoiceOf (choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type
}

function responseFormatOf (format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type }
  const spec: Record<string, unknown> = { name: format.name ?? 'response' }
  if (format.description !== undefined) spec.description = format.description
  spec.schema = format.schema
  if (format.strict !== undefined) spec.strict = format.strict
  return { type: 'json_schema', json_schema: spec }
}

/** OpenAI rejects tool_choice and parallel_tool_calls without tools, so they go only with tools. */
function addTools (req: ChatRequest, body: Record<string, unknown>): void {
  if (req.tools === undefined || req.tools.length === 0) return
  body.tools = req.tools.map((tool) => {
    const fn: Record<string, unknown> = { name: tool.name }
    if (tool.description !== undefined) fn.description = tool.description
    fn.parameters = tool.parameters
    if (tool.strict !== undefined) fn.strict = tool.strict
    return { type: 'function', function: fn }
  })
  if (req.toolChoice !== undefined) body.tool_choice = toolChoiceOf(req.toolChoice)
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls
}

/**
 * The length cap goes as `max_completion_tokens` (OpenAI reasoning models reject `max_tokens`) unless an OpenAI
 * client itself used `max_tokens`, which then reaches servers that know only that field.
 */
function addSampling (req: ChatRequest, body: Record<string, unknown>, hints: OpenAIHints): void {
  if (req.maxTokens !== undefined) {
    body[hints.maxTokensField === 'max_tokens' ? 'max_tokens' : 'max_completion_tokens'] = req.maxTokens
  }
  if (req.temperature !== undefined) body.temperature = req.temperature
  if (req.topP !== undefined) body.top_p = req.topP
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop
  if (req.seed !== undefined) body.seed = req.seed
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty
  if (req.n !== undefined) body.n = req.n
  if (req.user !== undefined) body.user = req.user
  if (req.metadata !== undefined) body.metadata = req.metadata
}

/** An explicit effort passes as is; a budget (Anthropic, Gemini) maps to the nearest effort, and 0 to none sent. */
function reasoningEffortOf (req: ChatRequest): string | undefined {
  const reasoning = req.reasoning
  if (reasoning?.effort !== undefined) return reasoning.effort
  if (reasoning?.budgetTokens === undefined) return undefined
  const effort = effortFor(reasoning.budgetTokens)
  return effort === 'none' ? undefined : effort
}

/**
 * Canonical request → an OpenAI Chat Completions body for an OpenAI-compatible upstream. Fields the OpenAI surface
 * kept in `extras.openai` are restored verbatim last (they are the client's own and win). Streams always ask for
 * usage so the gateway knows the token counts.
 */
export function toOpenAIChatRequest (req: ChatRequest, model: string): Record<string, unknown> {
  const hints = readOpenAIHints(req.extras)
  const body: Record<string, unknown> = { model, messages: toOpenAIMessages(req, hints) }
  addTools(req, body)
  addSampling(req, body, hints)
  const effort = reasoningEffortOf(req)
  if (effort !== undefined) body.reasoning_effort = effort
  if (req.responseFormat !== undefined) body.response_format = responseFormatOf(req.responseFormat)
  if (req.stream) body.stream = true
  const extras = openAIExtraFields(req.extras)
  Object.assign(body, extras)
  if (req.stream) {
    body.stream_options = { ...(isRecord(extras.stream_options) ? extras.stream_options : {}), include_usage: true }
  } else {
    // OpenAI rejects stream_options on a non-streaming call (the gateway may serve a streaming client that way).
    delete body.stream_options
  }
  return body
}
