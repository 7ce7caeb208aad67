import type { FastifyPluginAsync } from 'fastify'

/** Prometheus scrape endpoint; behind the gateway key like the API (scrapers send a bearer token). */
const metricsRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/metrics', async (_request, reply) => {
    const registry = fastify.gatewayMetrics.registry
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default metricsRoutes
