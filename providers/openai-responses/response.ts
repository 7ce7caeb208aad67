import type { AssistantPart, ChatResponse, FinishReason, Usage } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { isRecord } from '../../schemas/json-text.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { responsesFailure } from './errors.js'

function str (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function count (value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

export function fromResponsesUsage (usage: unknown): Usage {
  if (!isRecord(usage)) return { inputTokens: 0, outputTokens: 0 }
  const out: Usage = { inputTokens: count(usage.input_tokens), outputTokens: count(usage.output_tokens) }
  const input = usage.input_tokens_details
  const output = usage.output_tokens_details
  if (isRecord(input) && typeof input.cached_tokens === 'number') out.cacheReadTokens = input.cached_tokens
  if (isRecord(output) && typeof output.reasoning_tokens === 'number') out.reasoningTokens = output.reasoning_tokens
  return out
}

/** completed → stop (tool_calls when the output calls functions); incomplete → the reason it gives. */
export function finishFor (status: unknown, incompleteDetails: unknown, calledTools: boolean): FinishReason {
  if (status === 'incomplete') {
    const reason = isRecord(incompleteDetails) ? incompleteDetails.reason : undefined
    return reason === 'content_filter' ? 'content_filter' : 'length'
  }
  return calledTools ? 'tool_calls' : 'stop'
}

function texts (list: unknown, type: string): string[] {
  if (!Array.isArray(list)) return []
  return list.flatMap((p: unknown) => isRecord(p) && p.type === type && typeof p.text === 'string' ? [p.text] : [])
}

/** One output item → canonical parts; undefined when the item has no canonical form (hosted tool calls…). */
export function fromOutputItem (item: Record<string, unknown>, ctx: TranslateContext): AssistantPart[] | undefined {
  switch (item.type) {
    case 'message': {
      if (!Array.isArray(item.content)) return []
      return item.content.flatMap((p: unknown): AssistantPart[] => {
        if (!isRecord(p)) return []
        if (p.type === 'output_text' && typeof p.text === 'string') return [{ type: 'text', text: p.text }]
        if (p.type === 'refusal' && typeof p.refusal === 'string') return [{ type: 'text', text: p.refusal }]
        return []
      })
    }
    case 'reasoning': {
      const summary = texts(item.summary, 'summary_text')
      const text = (summary.length > 0 ? summary : texts(item.content, 'reasoning_text')).join('\n\n')
      const signature = str(item.encrypted_content)
      if (text === '' && signature === undefined) return []
      return [{ type: 'reasoning', text, ...(signature === undefined ? {} : { signature, signatureSource: 'openai' as const }) }]
    }
    case 'function_call':
      return [{
        type: 'tool_call',
        id: str(item.call_id) ?? str(item.id) ?? ctx.id('call_'),
        name: str(item.name) ?? '',
        arguments: str(item.arguments) ?? ''
      }]
    default:
      return undefined
  }
}

/** A non-stream Responses body → ChatResponse. A `failed` response throws its error. */
export function fromResponsesResponse (body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body.output)) {
    throw new GatewayError({ kind: 'bad_gateway', status: 502, message: 'The upstream returned a malformed Responses body', code: 'upstream_malformed' })
  }
  if (body.status === 'failed') throw responsesFailure(body.error)
  const content: AssistantPart[] = []
  const unmapped: unknown[] = []
  for (const item of body.output) {
    const parts = isRecord(item) ? fromOutputItem(item, ctx) : undefined
    if (parts === undefined) unmapped.push(item)
    else content.push(...parts)
  }
  const res: ChatResponse = {
    id: str(body.id) ?? ctx.id('resp_'),
    model: str(body.model) ?? '',
    created: typeof body.created_at === 'number' ? body.created_at : Math.floor(ctx.now() / 1000),
    content,
    finishReason: finishFor(body.status, body.incomplete_details, content.some(p => p.type === 'tool_call')),
    usage: fromResponsesUsage(body.usage)
  }
  if (unmapped.length > 0) res.extras = { responses: { output_items: unmapped } }
  return res
}
