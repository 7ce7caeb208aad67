import type { ChatRequest, ReasoningEffort } from '../schemas/canonical.js'
import type { GatewayConfig } from '../schemas/config.js'
import { invalidRequest } from './gateway-error.js'

export interface AliasResult {
  request: ChatRequest
  /** The provider type the alias pins, if any. */
  provider?: string
  /** Forced parameters change the request, so it cannot be forwarded untranslated. */
  forcesParams: boolean
}

const EFFORTS = new Set<string>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'])

/** Forced parameters an alias may set, by canonical name (and the OpenAI spellings people write in configs). */
function applyParams (req: ChatRequest, params: Record<string, unknown>): ChatRequest {
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
export function applyAlias (config: GatewayConfig, req: ChatRequest): AliasResult {
  const alias = config.MODEL_ALIASES[req.model]
  if (alias === undefined) return { request: req, forcesParams: false }
  const params = alias.params ?? {}
  const request = applyParams({ ...req, model: alias.model }, params)
  return { request, ...(alias.provider === undefined ? {} : { provider: alias.provider }), forcesParams: Object.keys(params).length > 0 }
}
