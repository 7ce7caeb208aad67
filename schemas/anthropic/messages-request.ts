import { Type, type Static } from '@sinclair/typebox'
import { ClaudeCacheControl, ClaudeMessageParam, ClaudeTextBlock, Nullable } from './content-blocks.js'

/**
 * POST /v1/messages and /v1/messages/count_tokens bodies (FORMATS.md §3). Unknown fields pass through: they go to
 * Anthropic verbatim on the passthrough path and into `extras.anthropic` on the translated one.
 */

export const ClaudeInputSchema = Type.Object({ type: Type.Literal('object') })

/** A client-defined tool (`type` absent or "custom"). */
export const ClaudeCustomTool = Type.Object({
  type: Type.Optional(Type.Literal('custom')),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  input_schema: ClaudeInputSchema,
  cache_control: Type.Optional(Nullable(ClaudeCacheControl)),
  strict: Type.Optional(Type.Boolean())
})
export type ClaudeCustomTool = Static<typeof ClaudeCustomTool>

/** Anthropic-hosted or Anthropic-defined tools (web_search_20250305, bash_20250124, text_editor_…, computer_…). */
export const ClaudeServerTool = Type.Object({
  type: Type.Intersect([Type.String(), Type.Not(Type.Literal('custom'))]),
  name: Type.String()
})
export type ClaudeServerTool = Static<typeof ClaudeServerTool> & Record<string, unknown>

export const ClaudeTool = Type.Union([ClaudeCustomTool, ClaudeServerTool])
export type ClaudeTool = Static<typeof ClaudeTool>

const disableParallel = Type.Optional(Type.Boolean())
export const ClaudeToolChoice = Type.Union([
  Type.Object({ type: Type.Literal('auto'), disable_parallel_tool_use: disableParallel }),
  Type.Object({ type: Type.Literal('any'), disable_parallel_tool_use: disableParallel }),
  Type.Object({ type: Type.Literal('none') }),
  Type.Object({ type: Type.Literal('tool'), name: Type.String(), disable_parallel_tool_use: disableParallel })
])
export type ClaudeToolChoice = Static<typeof ClaudeToolChoice>

const display = Type.Optional(Nullable(Type.String()))
export const ClaudeThinkingEnabled = Type.Object({
  type: Type.Literal('enabled'),
  budget_tokens: Type.Integer({ minimum: 0 }),
  display
})
export const ClaudeThinkingDisabled = Type.Object({ type: Type.Literal('disabled') })
export const ClaudeThinkingAdaptive = Type.Object({ type: Type.Literal('adaptive'), display })
/** Newer modes (between_tools…) the gateway forwards to Anthropic without modelling them. */
export const ClaudeThinkingOther = Type.Object({
  type: Type.Intersect([
    Type.String(),
    Type.Not(Type.Union([Type.Literal('enabled'), Type.Literal('disabled'), Type.Literal('adaptive')]))
  ])
})
export const ClaudeThinkingConfig = Type.Union([
  ClaudeThinkingEnabled,
  ClaudeThinkingDisabled,
  ClaudeThinkingAdaptive,
  ClaudeThinkingOther
])
export type ClaudeThinkingConfig = Static<typeof ClaudeThinkingConfig>

export const ClaudeEffort = Type.Union([
  Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('xhigh'), Type.Literal('max')
])
export type ClaudeEffort = Static<typeof ClaudeEffort>

export const ClaudeJsonOutputFormat = Type.Object({
  type: Type.Literal('json_schema'),
  schema: Type.Record(Type.String(), Type.Unknown())
})

export const ClaudeOutputConfig = Type.Object({
  effort: Type.Optional(Nullable(ClaudeEffort)),
  format: Type.Optional(Nullable(ClaudeJsonOutputFormat))
})
export type ClaudeOutputConfig = Static<typeof ClaudeOutputConfig>

export const ClaudeMetadata = Type.Object({ user_id: Type.Optional(Nullable(Type.String())) })

/** Fields shared by the Messages body and the count_tokens body. */
const commonFields = {
  model: Type.String(),
  messages: Type.Array(ClaudeMessageParam, { minItems: 1 }),
  system: Type.Optional(Type.Union([Type.Array(ClaudeTextBlock), Type.String()])),
  tools: Type.Optional(Type.Array(ClaudeTool)),
  tool_choice: Type.Optional(ClaudeToolChoice),
  thinking: Type.Optional(ClaudeThinkingConfig),
  output_config: Type.Optional(ClaudeOutputConfig),
  metadata: Type.Optional(ClaudeMetadata),
  stop_sequences: Type.Optional(Type.Array(Type.String())),
  // Deprecated and gone from the SDK 1.x types, still accepted by the API (FORMATS.md §3).
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_k: Type.Optional(Type.Integer({ minimum: 0 }))
}

export const ClaudeMessagesRequest = Type.Object({
  ...commonFields,
  max_tokens: Type.Integer({ minimum: 1 }),
  stream: Type.Optional(Type.Boolean())
})
export type ClaudeMessagesRequest = Static<typeof ClaudeMessagesRequest>

/** count_tokens takes the Messages body without `max_tokens` and `stream`. */
export const ClaudeCountTokensRequest = Type.Object(commonFields)
export type ClaudeCountTokensRequest = Static<typeof ClaudeCountTokensRequest>

export const ClaudeCountTokensResponse = Type.Object({ input_tokens: Type.Integer() })
export type ClaudeCountTokensResponse = Static<typeof ClaudeCountTokensResponse>
