import type { ModelInfo } from '../../../schemas/canonical.js'
import type { OpenAIModel, OpenAIModelList } from '../../../schemas/openai/models.js'

/** A model as GET /v1/models shows it; `created` falls back to the given time (Unix seconds). */
export function toOpenAIModel (info: ModelInfo, fallbackCreated: number): OpenAIModel {
  return { id: info.id, object: 'model', created: info.created ?? fallbackCreated, owned_by: info.ownedBy ?? info.provider }
}

export function toOpenAIModelList (models: readonly ModelInfo[], fallbackCreated: number): OpenAIModelList {
  return { object: 'list', data: models.map((m) => toOpenAIModel(m, fallbackCreated)) }
}
