import type { FastifyPluginAsync } from 'fastify'

/** Prometheus scrape endpoint; behind the gateway key like the API (scrapers send a bearer token). */
const metricsRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/metrics', async (_request, reply) => {
    const registry = fastify.gatewayMetrics.registry
    await fastify.gatewayMetrics.registerProcessMetrics()
    // Credential health is read from the (possibly shared) store at scrape time, so every instance reports the same.
    const cooling = new Set((await fastify.gatewayPools.health.list()).map(c => c.member))
    for (const p of fastify.gatewayProviders.all()) {
      fastify.gatewayMetrics.credentialHealth.set({ provider: p.type, credential: p.id }, fastify.gatewayPools.meta(p.id).enabled && !cooling.has(p.id) ? 1 : 0)
    }
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default metricsRoutes
