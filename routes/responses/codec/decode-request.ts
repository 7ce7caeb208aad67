import type { ChatRequest, ReasoningConfig, ResponseFormat, TextPart, ToolChoice, ToolDefinition } from '../../../schemas/canonical.js'
import { ResponsesFunctionTool, type ResponsesRequest } from '../../../schemas/openai/responses-request.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { checkShape } from './check.js'
import { decodeInput } from './decode-input.js'

/**
 * Fields this file maps to canonical ones; every other field of the body goes to `extras.responses` verbatim.
 * `instructions` goes there too although it is mapped: the response echoes the client's own text, not the system
 * text after the system-prompt hook rewrote it.
 */
const MAPPED = new Set([
  'model', 'input', 'tools', 'tool_choice', 'max_output_tokens', 'temperature', 'top_p', 'reasoning',
  'text', 'stream', 'metadata', 'parallel_tool_calls', 'user'
])

function decodeTools (tools: ResponsesRequest['tools'], extras: Record<string, unknown>): ToolDefinition[] | undefined {
  if (tools === undefined || tools === null) return undefined
  const hosted: unknown[] = []
  const out: ToolDefinition[] = []
  tools.forEach((raw, i) => {
    if (raw.type !== 'function') { hosted.push(raw); return }
    const tool = checkShape(ResponsesFunctionTool, raw, `tools[${i}]`)
    out.push({
      name: tool.name,
      parameters: tool.parameters ?? { type: 'object', properties: {} },
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {})
    })
  })
  if (hosted.length > 0) extras.tools = hosted
  return out
}

function decodeToolChoice (choice: ResponsesRequest['tool_choice'], extras: Record<string, unknown>): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined
  if (typeof choice === 'string') return { type: choice }
  const name = (choice as { name?: unknown }).name
  if (choice.type === 'function') {
    if (typeof name !== 'string' || name === '') throw invalidRequest("Invalid value for 'tool_choice.name': a function tool choice needs a name.", 'tool_choice.name')
    return { type: 'tool', name }
  }
  // allowed_tools, hosted-tool and custom-tool choices have no canonical form.
  extras.tool_choice = choice
  return undefined
}

function decodeFormat (text: ResponsesRequest['text'], extras: Record<string, unknown>): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined
  const { format, ...rest } = text
  if (Object.keys(rest).length > 0) extras.text = rest
  if (format === undefined || format === null) return undefined
  if (format.type !== 'json_schema') return { type: format.type }
  return {
    type: 'json_schema',
    schema: format.schema,
    ...(format.name === undefined ? {} : { name: format.name }),
    ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    ...(typeof format.description === 'string' ? { description: format.description } : {})
  }
}

function decodeReasoning (reasoning: ResponsesRequest['reasoning'], extras: Record<string, unknown>): ReasoningConfig | undefined {
  if (reasoning === undefined || reasoning === null) return undefined
  const { effort, ...rest } = reasoning
  if (Object.keys(rest).length > 0) extras.reasoning = rest
  const out: ReasoningConfig = {}
  if (effort !== undefined && effort !== null) out.effort = effort
  // Responses returns reasoning summaries only when a summary mode is set.
  if (rest.summary !== undefined && rest.summary !== null) out.includeThoughts = true
  return Object.keys(out).length > 0 ? out : undefined
}

function decodeUnmapped (body: ResponsesRequest, extras: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) if (!MAPPED.has(key) && value !== undefined) extras[key] = value
}

export function decodeResponsesRequest (body: ResponsesRequest, _ctx: TranslateContext): ChatRequest {
  const extras: Record<string, unknown> = {}
  const input = decodeInput(body.input)
  if (input.messages.length === 0 && typeof body.previous_response_id !== 'string') {
    throw invalidRequest("Missing required parameter: 'input'.", 'input')
  }
  if (input.unmapped.length > 0) extras.input_items = input.unmapped
  const system: TextPart[] = typeof body.instructions === 'string' && body.instructions !== ''
    ? [{ type: 'text', text: body.instructions }, ...input.system]
    : input.system
  const tools = decodeTools(body.tools, extras)
  const toolChoice = decodeToolChoice(body.tool_choice, extras)
  const responseFormat = decodeFormat(body.text, extras)
  const reasoning = decodeReasoning(body.reasoning, extras)
  decodeUnmapped(body, extras)
  const stream = body.stream === true
  const req: ChatRequest = { model: body.model, system, messages: input.messages, stream }
  if (tools !== undefined) req.tools = tools
  if (toolChoice !== undefined) req.toolChoice = toolChoice
  if (typeof body.parallel_tool_calls === 'boolean') req.parallelToolCalls = body.parallel_tool_calls
  if (typeof body.max_output_tokens === 'number') req.maxTokens = body.max_output_tokens
  if (typeof body.temperature === 'number') req.temperature = body.temperature
  if (typeof body.top_p === 'number') req.topP = body.top_p
  if (reasoning !== undefined) req.reasoning = reasoning
  if (responseFormat !== undefined) req.responseFormat = responseFormat
  // The Responses protocol always reports usage, so upstreams that make it optional must be asked for it.
  if (stream) req.includeUsage = true
  if (typeof body.user === 'string') req.user = body.user
  if (body.metadata !== undefined && body.metadata !== null) req.metadata = body.metadata
  if (Object.keys(extras).length > 0) req.extras = { responses: extras }
  return req
}
