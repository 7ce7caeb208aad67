import type { ModelInfo } from '../../schemas/canonical.js'

/** OpenAI's model object. `created` is unknown for some upstreams: 0 keeps the SDK's type (number) intact. */
export function toOpenAIModel (model: ModelInfo): Record<string, unknown> {
  return { id: model.id, object: 'model', created: model.created ?? 0, owned_by: model.ownedBy ?? model.provider }
}

export function toOpenAIModelList (models: ModelInfo[]): Record<string, unknown> {
  return { object: 'list', data: models.map(toOpenAIModel) }
}
