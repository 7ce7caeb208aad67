import type { ModelInfo } from '../../../schemas/canonical.js'
import type { ClaudeModelInfo, ClaudeModelList, ClaudeModelListQuery } from '../../../schemas/anthropic/models.js'

/** Canonical model → Anthropic model object (`created` is unix seconds; unknown dates render as the epoch). */
export function toClaudeModelInfo (model: ModelInfo): ClaudeModelInfo {
  const out: ClaudeModelInfo = {
    type: 'model',
    id: model.id,
    display_name: model.displayName ?? model.id,
    created_at: new Date((model.created ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }
  if (model.inputTokenLimit !== undefined) out.max_input_tokens = model.inputTokenLimit
  if (model.outputTokenLimit !== undefined) out.max_tokens = model.outputTokenLimit
  return out
}

/** One page of GET /v1/models: `after_id` / `before_id` cursors and `limit` (default 20), as Anthropic pages. */
export function toClaudeModelList (models: ModelInfo[], query: ClaudeModelListQuery = {}): ClaudeModelList {
  const all = models.map(toClaudeModelInfo)
  const limit = query.limit ?? 20
  let start = 0
  let end = all.length
  if (query.after_id !== undefined) start = all.findIndex((m) => m.id === query.after_id) + 1
  if (query.before_id !== undefined) {
    const at = all.findIndex((m) => m.id === query.before_id)
    end = at < 0 ? all.length : at
    start = Math.max(start, end - limit)
  }
  const data = all.slice(start, Math.min(end, start + limit))
  return {
    data,
    has_more: query.before_id !== undefined ? start > 0 : start + limit < end,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null
  }
}
