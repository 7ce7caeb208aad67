import { Type, type Static } from '@sinclair/typebox'
import { Nullable } from './content-blocks.js'

/** GET /v1/models and /v1/models/{id} (FORMATS.md §3 Other endpoints). */

export const ClaudeModelListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  after_id: Type.Optional(Type.String()),
  before_id: Type.Optional(Type.String())
})
export type ClaudeModelListQuery = Static<typeof ClaudeModelListQuery>

export const ClaudeModelInfo = Type.Object({
  type: Type.Literal('model'),
  id: Type.String(),
  display_name: Type.String(),
  /** RFC 3339 date-time. */
  created_at: Type.String(),
  max_input_tokens: Type.Optional(Nullable(Type.Integer())),
  max_tokens: Type.Optional(Nullable(Type.Integer()))
})
export type ClaudeModelInfo = Static<typeof ClaudeModelInfo>

export const ClaudeModelList = Type.Object({
  data: Type.Array(ClaudeModelInfo),
  has_more: Type.Boolean(),
  first_id: Nullable(Type.String()),
  last_id: Nullable(Type.String())
})
export type ClaudeModelList = Static<typeof ClaudeModelList>
