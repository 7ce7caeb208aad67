import type { ChatRequest, ToolDefinition } from '../../schemas/canonical.js'
import type { ClaudeExtras } from '../../schemas/anthropic/extras.js'

type Block = Record<string, unknown>

/** Anthropic wants an object schema; a schema-less tool gets the empty object schema. */
function inputSchema (parameters: Record<string, unknown>): Record<string, unknown> {
  if (parameters.type === 'object') return parameters
  if (Object.keys(parameters).length === 0) return { type: 'object', properties: {} }
  return { type: 'object', ...parameters }
}

/**
 * Canonical tools → Anthropic custom tools, plus a Claude client's server tools at their original positions.
 * `strict` is only sent when a Claude client set it (in extras): older Claude models reject the field, and OpenAI
 * clients set it routinely.
 */
export function toClaudeTools (tools: ToolDefinition[], extras: ClaudeExtras): Block[] {
  const out: Block[] = tools.map((tool) => {
    const block: Block = { name: tool.name }
    if (tool.description !== undefined && tool.description !== '') block.description = tool.description
    block.input_schema = inputSchema(tool.parameters)
    if (tool.cacheControl !== undefined) block.cache_control = tool.cacheControl
    return { ...block, ...extras.toolFields?.[tool.name] }
  })
  for (const { index, tool } of [...extras.serverTools ?? []].sort((a, b) => a.index - b.index)) {
    out.splice(Math.min(index, out.length), 0, tool)
  }
  return out
}

/**
 * tool_choice, with parallelToolCalls false as disable_parallel_tool_use. Anthropic rejects a tool_choice without
 * tools, and `none` takes no parallel flag.
 */
export function toClaudeToolChoice (req: ChatRequest, hasTools: boolean): Block | undefined {
  if (!hasTools) return undefined
  const choice = req.toolChoice
  const disable = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {}
  switch (choice?.type) {
    case undefined: return req.parallelToolCalls === false ? { type: 'auto', ...disable } : undefined
    case 'auto': return { type: 'auto', ...disable }
    case 'required': return { type: 'any', ...disable }
    case 'none': return { type: 'none' }
    case 'tool': return { type: 'tool', name: choice.name, ...disable }
  }
}

/** Thinking cannot be combined with a forced tool (Anthropic 400s); the forced tool wins. */
export function forcesTool (choice: Block | undefined): boolean {
  return choice?.type === 'any' || choice?.type === 'tool'
}
