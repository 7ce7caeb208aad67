import type { ToolChoice, ToolDefinition } from '../../../schemas/canonical.js'
import type { ClaudeTool, ClaudeToolChoice } from '../../../schemas/anthropic/messages-request.js'
import { leftoverFields, type ClaudeExtras } from '../../../schemas/anthropic/extras.js'

// `strict` is also kept in extras: toClaudeRequest only sends it back when an Anthropic client asked for it.
const CUSTOM_TOOL_FIELDS = ['type', 'name', 'description', 'input_schema', 'cache_control']

/** Custom tools become canonical tools; server tools and unmodelled tool fields go to extras. */
export function decodeTools (tools: ClaudeTool[], extras: ClaudeExtras): ToolDefinition[] {
  const out: ToolDefinition[] = []
  const serverTools: NonNullable<ClaudeExtras['serverTools']> = []
  const toolFields: Record<string, Record<string, unknown>> = {}
  tools.forEach((tool, index) => {
    if (tool.type !== undefined && tool.type !== 'custom') {
      serverTools.push({ index, tool })
      return
    }
    if (!('input_schema' in tool)) return
    const def: ToolDefinition = { name: tool.name, parameters: tool.input_schema }
    if (tool.description !== undefined) def.description = tool.description
    if (tool.strict !== undefined) def.strict = tool.strict
    if (tool.cache_control !== undefined && tool.cache_control !== null) def.cacheControl = tool.cache_control
    const fields = leftoverFields(tool, CUSTOM_TOOL_FIELDS)
    if (fields !== undefined) toolFields[tool.name] = fields
    out.push(def)
  })
  if (serverTools.length > 0) extras.serverTools = serverTools
  if (Object.keys(toolFields).length > 0) extras.toolFields = toolFields
  return out
}

/** tool_choice → canonical choice and parallel-call flag (`disable_parallel_tool_use` ↔ parallel_tool_calls). */
export function decodeToolChoice (choice: ClaudeToolChoice): { toolChoice: ToolChoice, parallelToolCalls?: boolean } {
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use !== undefined
    ? { parallelToolCalls: !choice.disable_parallel_tool_use }
    : {}
  switch (choice.type) {
    case 'auto': return { toolChoice: { type: 'auto' }, ...parallel }
    case 'any': return { toolChoice: { type: 'required' }, ...parallel }
    case 'none': return { toolChoice: { type: 'none' } }
    case 'tool': return { toolChoice: { type: 'tool', name: choice.name }, ...parallel }
  }
}
