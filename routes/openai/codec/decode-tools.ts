import type { ToolChoice, ToolDefinition } from '../../../schemas/canonical.js'
import type { OpenAIChatRequest, OpenAITool, OpenAIToolChoice } from '../../../schemas/openai/chat-request.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

export interface DecodedTools {
  tools?: ToolDefinition[]
  toolChoice?: ToolChoice
  /** Fields that only an OpenAI upstream understands, restored from extras (custom tools, allowed_tools). */
  extras: Record<string, unknown>
  /** The request used legacy `functions` without `tools`. */
  legacy: boolean
}

const EMPTY_PARAMETERS: Record<string, unknown> = { type: 'object', properties: {} }

function functionTool (tool: OpenAITool, path: string): ToolDefinition {
  const fn = tool.function
  if (fn === undefined) throw invalidRequest(`${path}.function is required for a function tool`, `${path}.function`)
  const def: ToolDefinition = { name: fn.name, parameters: fn.parameters ?? EMPTY_PARAMETERS }
  if (typeof fn.description === 'string') def.description = fn.description
  if (typeof fn.strict === 'boolean') def.strict = fn.strict
  return def
}

function decodeToolChoice (choice: OpenAIToolChoice, extras: Record<string, unknown>): ToolChoice | undefined {
  if (typeof choice === 'string') return { type: choice }
  switch (choice.type) {
    case 'function':
      if (choice.function === undefined) throw invalidRequest('tool_choice.function is required', 'tool_choice.function')
      return { type: 'tool', name: choice.function.name }
    case 'allowed_tools': {
      // Canonically only the mode survives; an OpenAI upstream gets the restriction back from extras.
      extras.tool_choice = choice
      const mode = choice.allowed_tools?.mode
      if (mode !== 'auto' && mode !== 'required') {
        throw invalidRequest('tool_choice.allowed_tools.mode must be "auto" or "required"', 'tool_choice.allowed_tools.mode')
      }
      return { type: mode }
    }
    case 'custom':
      // Custom tools exist only on OpenAI: other upstreams get no forced choice.
      extras.tool_choice = choice
      return undefined
    default:
      throw invalidRequest(`tool_choice.type "${choice.type}" is not supported`, 'tool_choice.type')
  }
}

function decodeFunctionCall (value: NonNullable<OpenAIChatRequest['function_call']>): ToolChoice {
  return typeof value === 'string' ? { type: value } : { type: 'tool', name: value.name }
}

/**
 * tools / tool_choice / legacy functions / function_call → canonical tools and choice. Function tools map
 * canonically; when other tool types (custom) are present the whole `tools` array also goes to extras so an
 * OpenAI upstream receives it unchanged, while other upstreams see the function tools only.
 */
export function decodeTools (body: OpenAIChatRequest): DecodedTools {
  const extras: Record<string, unknown> = {}
  const tools: ToolDefinition[] = []
  let foreign = false
  body.tools?.forEach((tool, i) => {
    if (tool.type === 'function') tools.push(functionTool(tool, `tools[${i}]`))
    else foreign = true
  })
  if (foreign) extras.tools = body.tools
  const hasTools = body.tools !== undefined && body.tools !== null
  const legacy = !hasTools && body.functions !== undefined && body.functions !== null
  body.functions?.forEach((fn) => {
    const def: ToolDefinition = { name: fn.name, parameters: fn.parameters ?? EMPTY_PARAMETERS }
    if (typeof fn.description === 'string') def.description = fn.description
    tools.push(def)
  })
  let toolChoice: ToolChoice | undefined
  if (body.tool_choice !== undefined && body.tool_choice !== null) toolChoice = decodeToolChoice(body.tool_choice, extras)
  else if (body.function_call !== undefined && body.function_call !== null) toolChoice = decodeFunctionCall(body.function_call)
  const out: DecodedTools = { extras, legacy }
  if (tools.length > 0) out.tools = tools
  if (toolChoice !== undefined) out.toolChoice = toolChoice
  return out
}
