import type { ToolChoice, ToolDefinition } from '../../../schemas/canonical.js'
import type { GeminiTool, GeminiToolConfig } from '../../../schemas/gemini/generate-request.js'
import { fromGeminiSchema } from '../../../schemas/gemini/openapi-schema.js'
import { isRecord } from '../../../schemas/json-text.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

/**
 * Gemini `tools` / `toolConfig` → canonical tools and tool choice. Built-in tools (googleSearch, codeExecution,
 * urlContext, …) and tool settings without a canonical form go to `extras.gemini` as parts of a Gemini body, which
 * the Gemini provider merges back (`tools` appended, `toolConfig` merged).
 */

export interface ToolsResult {
  tools?: ToolDefinition[]
  toolChoice?: ToolChoice
  /** Partial Gemini body: `tools` (built-ins) and `toolConfig` the canonical form cannot express. */
  extras: Record<string, unknown>
}

export function decodeTools (tools: readonly GeminiTool[] | undefined, config: GeminiToolConfig | undefined): ToolsResult {
  const extras: Record<string, unknown> = {}
  const definitions: ToolDefinition[] = []
  const builtins: Array<Record<string, unknown>> = []
  tools?.forEach((tool, i) => {
    const { functionDeclarations, ...rest } = tool
    functionDeclarations?.forEach((decl, j) => {
      const path = `tools[${i}].functionDeclarations[${j}]`
      definitions.push({
        name: decl.name,
        ...(decl.description === undefined ? {} : { description: decl.description }),
        parameters: declarationParameters(decl.parameters, decl.parametersJsonSchema, path)
      })
    })
    if (Object.keys(rest).length > 0) builtins.push(rest)
  })
  if (builtins.length > 0) extras.tools = builtins
  const result: ToolsResult = { extras }
  if (definitions.length > 0) result.tools = definitions
  const choice = decodeToolConfig(config, extras)
  if (choice !== undefined) result.toolChoice = choice
  return result
}

function declarationParameters (parameters: Record<string, unknown> | undefined, jsonSchema: unknown, path: string): Record<string, unknown> {
  if (parameters !== undefined && jsonSchema !== undefined) {
    throw invalidRequest('parameters and parametersJsonSchema cannot both be set', `${path}.parametersJsonSchema`)
  }
  if (jsonSchema !== undefined) {
    if (!isRecord(jsonSchema)) throw invalidRequest('parametersJsonSchema must be a JSON Schema object', `${path}.parametersJsonSchema`)
    return jsonSchema
  }
  if (parameters !== undefined) return fromGeminiSchema(parameters)
  return { type: 'object', properties: {} }
}

/**
 * AUTO → auto, NONE → none, ANY → required (one allowed name → that tool). ANY with several names and VALIDATED
 * have no canonical form: they map to required/auto and keep the exact config in extras for a Gemini upstream.
 */
function decodeToolConfig (config: GeminiToolConfig | undefined, extras: Record<string, unknown>): ToolChoice | undefined {
  if (config === undefined) return undefined
  const { functionCallingConfig: fcc, ...rest } = config
  const extraConfig: Record<string, unknown> = { ...rest }
  let choice: ToolChoice | undefined
  const names = fcc?.allowedFunctionNames ?? []
  switch (fcc?.mode) {
    case 'AUTO': choice = { type: 'auto' }; break
    case 'NONE': choice = { type: 'none' }; break
    case 'ANY': {
      const only = names.length === 1 ? names[0] : undefined
      choice = only !== undefined ? { type: 'tool', name: only } : { type: 'required' }
      if (names.length > 1) extraConfig.functionCallingConfig = fcc
      break
    }
    case 'VALIDATED':
      choice = { type: 'auto' }
      extraConfig.functionCallingConfig = fcc
      break
    default:
      break
  }
  if (Object.keys(extraConfig).length > 0) extras.toolConfig = extraConfig
  return choice
}
