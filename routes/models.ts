import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ModelInfo } from '../schemas/canonical.js'
import type { Provider } from '../providers/types.js'
import { detectProtocol } from '../plugins/error-handler.js'
import { GatewayError, notFound } from '../plugins/gateway-error.js'
import { unknownProvider } from '../plugins/router.js'

/**
 * GET /v1/models and /v1/models/{id}, shared by the surfaces: the list comes from the selected provider (path
 * prefix or Model-Provider header) or from all of them, each cached; the shape is the client's (an Anthropic
 * request carries anthropic-version, a Gemini one x-goog-api-key or ?key=).
 */
function providersFor (fastify: FastifyInstance, request: FastifyRequest): readonly Provider[] {
  const params = request.params as Record<string, unknown>
  const header = request.headers['model-provider']
  const type = typeof params.provider === 'string' ? params.provider : typeof header === 'string' && header !== '' ? header : undefined
  if (type === undefined) return fastify.gatewayProviders.all()
  if (!fastify.gatewayProviders.has(type)) throw unknownProvider(fastify, type)
  return fastify.gatewayProviders.ofType(type)
}

/** The models of the selected provider (or of all), de-duplicated by id; one failing provider is skipped. */
export async function collectModels (fastify: FastifyInstance, request: FastifyRequest): Promise<ModelInfo[]> {
  const providers = providersFor(fastify, request)
  const signal = AbortSignal.timeout(fastify.gatewayConfig.UPSTREAM_HEADERS_TIMEOUT_MS)
  const ctx = { signal, log: request.log, requestId: request.id, translate: fastify.gatewayTranslate, clientHeaders: {} }
  const results = await Promise.allSettled(providers.map(async p => await fastify.gatewayProviders.models(p, ctx)))
  const seen = new Set<string>()
  const models: ModelInfo[] = []
  let failures = 0
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      failures++
      request.log.warn({ provider: providers[i]?.id, err: result.reason instanceof Error ? result.reason.message : String(result.reason) }, 'model list unavailable')
      return
    }
    for (const m of result.value) {
      if (seen.has(m.id)) continue
      seen.add(m.id)
      models.push(m)
    }
  })
  if (failures > 0 && failures === providers.length) {
    const first = results.find(r => r.status === 'rejected')
    if (first?.status === 'rejected' && first.reason instanceof GatewayError) throw first.reason
    throw new GatewayError({ kind: 'bad_gateway', status: 502, message: 'No provider returned a model list' })
  }
  return models
}


/**
 * GET /v1/models and /v1/models/{id} for every surface; the shape is the client's.
 */
const modelRoutes: FastifyPluginAsync = async (fastify) => {
  function surface (request: FastifyRequest) {
    const entry = fastify.gatewaySurfaces.get(detectProtocol(request)) ?? fastify.gatewaySurfaces.get('openai')
    if (entry?.renderModelList === undefined || entry.renderModel === undefined) throw new GatewayError({ kind: 'internal', status: 500, message: 'No model renderer registered' })
    return { list: entry.renderModelList, one: entry.renderModel }
  }

  fastify.get('/v1/models', async (request) => {
    const render = surface(request)
    return render.list(await collectModels(fastify, request), request.query as Record<string, unknown>)
  })

  fastify.get<{ Params: { id: string } }>('/v1/models/:id', async (request) => {
    const render = surface(request)
    const id = decodeURIComponent(request.params.id).replace(/^models\//, '')
    const model = (await collectModels(fastify, request)).find(m => m.id === id)
    if (model === undefined) throw notFound(`The model "${id}" does not exist or is not served by the configured providers`, 'model_not_found')
    return render.one(model)
  })
}

export default modelRoutes
