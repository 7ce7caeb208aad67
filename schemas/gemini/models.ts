import { Type, type Static } from '@sinclair/typebox'

/** `GET /v1beta/models` and `GET /v1beta/models/{model}` (FORMATS.md §4, other endpoints). */

export const GeminiModel = Type.Object({
  /** `models/<id>` */
  name: Type.String(),
  baseModelId: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  inputTokenLimit: Type.Optional(Type.Integer()),
  outputTokenLimit: Type.Optional(Type.Integer()),
  /** The SDK exposes this as `supportedActions`. */
  supportedGenerationMethods: Type.Array(Type.String()),
  thinking: Type.Optional(Type.Boolean()),
  temperature: Type.Optional(Type.Number()),
  maxTemperature: Type.Optional(Type.Number()),
  topP: Type.Optional(Type.Number()),
  topK: Type.Optional(Type.Integer())
})
export type GeminiModel = Static<typeof GeminiModel>

export const GeminiModelList = Type.Object({
  models: Type.Array(GeminiModel),
  nextPageToken: Type.Optional(Type.String())
})
export type GeminiModelList = Static<typeof GeminiModelList>

export const GeminiListModelsQuery = Type.Object({
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  pageToken: Type.Optional(Type.String())
})
export type GeminiListModelsQuery = Static<typeof GeminiListModelsQuery>

export const GeminiCountTokensResponse = Type.Object({
  totalTokens: Type.Integer(),
  cachedContentTokenCount: Type.Optional(Type.Integer())
})
export type GeminiCountTokensResponse = Static<typeof GeminiCountTokensResponse>
