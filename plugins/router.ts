import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Provider } from '../providers/types.js'
import { GatewayError, invalidRequest } from './gateway-error.js'

export interface RouteTarget {
  provider: Provider
  /** The model to ask the upstream for. */
  model: string
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

/** The ordered candidates for one request: the provider type's instances (pools reorder and filter them). */
export function resolveTargets (fastify: FastifyInstance, request: FastifyRequest, requestedModel: string): RouteTarget[] {
  const { type, model } = chooseProviderType(fastify, request, requestedModel)
  return fastify.gatewayProviders.ofType(type).map(provider => ({ provider, model: chooseModel(fastify, provider, model) }))
}
