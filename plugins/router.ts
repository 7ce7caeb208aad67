import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Provider } from '../providers/types.js'
import { GatewayError, invalidRequest } from './gateway-error.js'
import { selectMember, type SkipReason } from './pool/selector.js'

export interface RouteTarget {
  provider: Provider
  /** The model to ask the upstream for. */
  model: string
  /** Only on the last-resort target: when its cooldown ends (epoch ms). It is tried because nothing else could serve. */
  coolingUntil?: number
}

export interface SkippedTarget {
  id: string
  model: string
  /** The selector's reasons, or `untranslatable`: the target needs a translation this request cannot have. */
  reason: SkipReason | 'untranslatable'
  /** Epoch ms when a cooled-down member is back. */
  until?: number
  /** Why the request could not be translated for this target (the decoder's 400). */
  error?: GatewayError
}

export interface RoutePlan {
  /**
   * Who to try, in order: the pool's pick, its failover order, the fallback chain, and last the cooling member that
   * is back first (a cooldown only says whom to try first: the gateway is never worse than calling directly).
   */
  targets: RouteTarget[]
  skipped: SkippedTarget[]
}

function headerValue (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Which provider type serves this request: the /{provider}/… path prefix, else the Model-Provider header, else a
 * `provider:model` model name, else MODEL_PROVIDER. Returns the type and the model with any prefix removed.
 */
export function chooseProviderType (fastify: FastifyInstance, request: FastifyRequest, model: string): { type: string, model: string } {
  const registry = fastify.gatewayProviders
  const params = request.params as Record<string, unknown> | undefined
  const fromPath = typeof params?.provider === 'string' ? params.provider : undefined
  const explicit = fromPath ?? headerValue(request, 'model-provider')
  if (explicit !== undefined) {
    if (!registry.has(explicit)) throw unknownProvider(fastify, explicit)
    return { type: explicit, model }
  }
  const colon = model.indexOf(':')
  // Only a registered type counts as a prefix: Ollama model names contain colons too ("llama3:8b").
  if (colon > 0 && registry.has(model.slice(0, colon))) return { type: model.slice(0, colon), model: model.slice(colon + 1) }
  const fallback = fastify.gatewayConfig.MODEL_PROVIDER.split(',')[0]?.trim() ?? ''
  if (!registry.has(fallback)) throw unknownProvider(fastify, fallback)
  return { type: fallback, model }
}

export function unknownProvider (fastify: FastifyInstance, name: string): GatewayError {
  const available = fastify.gatewayProviders.types()
  const list = available.length === 0 ? 'none is configured' : `available: ${available.join(', ')}`
  return invalidRequest(`Unknown or unconfigured provider "${name}" (${list})`, 'model-provider')
}

/** Applies DEFAULT_MODEL (fallback when the client sent none, force always) and the provider's own rule. */
export function chooseModel (fastify: FastifyInstance, provider: Provider, requested: string): string {
  const c = fastify.gatewayConfig
  let model = requested
  if (c.DEFAULT_MODEL !== undefined && (c.DEFAULT_MODEL_MODE === 'force' || model === '')) model = c.DEFAULT_MODEL
  if (provider.resolveModel !== undefined) model = provider.resolveModel(model)
  if (model === '') throw invalidRequest('No model given and no DEFAULT_MODEL configured', 'model')
  return model
}

/** The (type, model) pairs to try: the chosen one, providerFallbackChain's types, then modelFallbackMapping. */
function fallbackChain (fastify: FastifyInstance, type: string, model: string): Array<{ type: string, model: string }> {
  const c = fastify.gatewayConfig
  const chain = [{ type, model }]
  for (const next of c.providerFallbackChain[type] ?? []) {
    if (fastify.gatewayProviders.has(next) && !chain.some(p => p.type === next && p.model === model)) chain.push({ type: next, model })
  }
  const mapped = c.modelFallbackMapping[model]
  if (mapped !== undefined && fastify.gatewayProviders.has(mapped.targetProviderType)) chain.push({ type: mapped.targetProviderType, model: mapped.targetModel })
  return chain
}

/**
 * The ordered targets for one request. Each provider type's instances are filtered and ordered by the pool
 * selector (health, model lists, concurrency, strategy); fallback types follow; then, as the last resort, the
 * cooling (member, model) whose cooldown ends first, so a request is refused locally only after an upstream said no.
 */
export async function planTargets (fastify: FastifyInstance, request: FastifyRequest, requestedModel: string, forcedType?: string): Promise<RoutePlan> {
  const first = forcedType === undefined ? chooseProviderType(fastify, request, requestedModel) : { type: forcedType, model: requestedModel }
  if (forcedType !== undefined && !fastify.gatewayProviders.has(forcedType)) throw unknownProvider(fastify, forcedType)
  const pools = fastify.gatewayPools
  const plan: RoutePlan = { targets: [], skipped: [] }
  let lastResort: { provider: Provider, model: string, until: number } | undefined
  for (const { type, model } of fallbackChain(fastify, first.type, first.model)) {
    const instances = fastify.gatewayProviders.ofType(type)
    const byId = new Map(instances.map(p => [p.id, p]))
    const selection = await selectMember(instances.map(p => pools.meta(p.id)), model, pools.strategyOf(type), {
      store: fastify.gatewayState,
      health: pools.health,
      concurrency: pools.concurrency,
      poolKey: type
    })
    for (const meta of selection.candidates) {
      const provider = byId.get(meta.id)
      if (provider !== undefined) plan.targets.push({ provider, model: chooseModel(fastify, provider, model) })
    }
    for (const s of selection.skipped) {
      plan.skipped.push({ id: s.member.id, model, reason: s.reason, ...(s.until === undefined ? {} : { until: s.until }) })
      const provider = byId.get(s.member.id)
      if (s.reason === 'cooldown' && s.until !== undefined && provider !== undefined && (lastResort === undefined || s.until < lastResort.until)) {
        lastResort = { provider, model, until: s.until }
      }
    }
  }
  if (lastResort !== undefined) {
    const { provider, model, until } = lastResort
    plan.targets.push({ provider, model: chooseModel(fastify, provider, model), coolingUntil: until })
    plan.skipped = plan.skipped.filter(s => !(s.id === provider.id && s.model === model && s.reason === 'cooldown'))
  }
  return plan
}
