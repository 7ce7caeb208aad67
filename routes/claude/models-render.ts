import type { ModelInfo } from '../../schemas/canonical.js'

/** Anthropic's model object; created_at is RFC 3339 (epoch 0 when the upstream did not say). */
export function toClaudeModel (model: ModelInfo): Record<string, unknown> {
  return {
    type: 'model',
    id: model.id,
    display_name: model.displayName ?? model.id,
    created_at: new Date((model.created ?? 0) * 1000).toISOString().replace('.000Z', 'Z')
  }
}

/** Anthropic's paginated list: limit (1–1000, default 20), after_id / before_id cursors. */
export function toClaudeModelList (models: ModelInfo[], query: Record<string, unknown>): Record<string, unknown> {
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 20) || 20))
  let start = 0
  let end = models.length
  if (typeof query.after_id === 'string') start = models.findIndex(m => m.id === query.after_id) + 1
  if (typeof query.before_id === 'string') {
    const i = models.findIndex(m => m.id === query.before_id)
    if (i >= 0) end = i
  }
  const window = typeof query.before_id === 'string' ? models.slice(Math.max(start, end - limit), end) : models.slice(start, start + limit)
  const data = window.map(toClaudeModel)
  const lastIndex = start + window.length
  return {
    data,
    has_more: typeof query.before_id === 'string' ? end - limit > start : lastIndex < end,
    first_id: window[0]?.id ?? null,
    last_id: window.at(-1)?.id ?? null
  }
}
