import type { FastifyPluginAsync } from 'fastify'

/** Liveness: open without a key, cheap, never touches an upstream. */
const healthRoutes: FastifyPluginAsync = async (fastify) => {
  const startedAt = Date.now()
  fastify.get('/health', { config: { public: true } }, async () => ({
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    providers: fastify.gatewayProviders.types()
  }))
}

export default healthRoutes
