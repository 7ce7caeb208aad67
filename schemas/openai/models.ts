import { Type, type Static } from '@sinclair/typebox'

/** GET /v1/models/{id} (FORMATS.md §1 Models). */
export const OpenAIModel = Type.Object({
  id: Type.String(),
  object: Type.Literal('model'),
  /** Unix seconds. */
  created: Type.Integer(),
  owned_by: Type.String()
})
export type OpenAIModel = Static<typeof OpenAIModel>

/** GET /v1/models */
export const OpenAIModelList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(OpenAIModel)
})
export type OpenAIModelList = Static<typeof OpenAIModelList>

