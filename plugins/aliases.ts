import type { ChatRequest, ReasoningEffort } from '../schemas/canonical.js'
import type { GatewayConfig } from '../schemas/config.js'
import { invalidRequest } from './gateway-error.js'

export interface ResolvedAlias {
  /** The model to route and to ask the upstream for. */
  model: string
  /** The provider type the alias pins, if any. */
  provider?: string
  /** Forced parameters: they change the request, so it is always translated, never forwarded as sent. */
  params?: Record<string, unknown>
}

const EFFORTS = new Set<string>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'])

/** Forced parameters an alias may set, by canonical name (and the OpenAI spellings people write in configs). */
export function applyAliasParams (req: ChatRequest, params: Record<string, unknown>): ChatRequest {
  const out: ChatRequest = { ...req }
  for (const [key, value] of Object.entries(params)) {
    switch (key) {
      case 'temperature': case 'topP': case 'top_p': case 'topK': case 'top_k': case 'maxTokens': case 'max_tokens': case 'seed': {
        if (typeof value !== 'number') throw invalidRequest(`MODEL_ALIASES parameter ${key} must be a number`)
        const name = ({ top_p: 'topP', top_k: 'topK', max_tokens: 'maxTokens' } as Record<string, string>)[key] ?? key
        ;(out as unknown as Record<string, unknown>)[name] = value
        break
      }
      case 'reasoningEffort': case 'reasoning_effort':
        if (typeof value !== 'string' || !EFFORTS.has(value)) throw invalidRequest(`MODEL_ALIASES parameter ${key} must be an effort level`)
        out.reasoning = { ...out.reasoning, effort: value as ReasoningEffort }
        break
      case 'stop':
        out.stop = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : out.stop
        break
      default:
        throw invalidRequest(`MODEL_ALIASES parameter ${key} is not supported`)
    }
  }
  return out
}

/** Resolves a model alias (alias → provider + model + forced parameters); other models pass unchanged. */
export function resolveAlias (config: GatewayConfig, model: string): ResolvedAlias {
  const alias = config.MODEL_ALIASES[model]
  if (alias === undefined) return { model }
  const params = alias.params ?? {}
  return {
    model: alias.model,
    ...(alias.provider === undefined ? {} : { provider: alias.provider }),
    ...(Object.keys(params).length > 0 ? { params } : {})
  }
}
