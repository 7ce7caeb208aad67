import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'

/**
 * Pool status for operators, behind the gateway key: every provider instance with its weight, in-flight count and
 * cooldowns (per member, or per member and model, with the reason, the upstream status that caused it and the time
 * left), and the state store's mode. POST …/reset lifts cooldowns: all, one member's, one model's, or one pair's.
 */
const adminRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/provider_health', async () => {
    const pools = fastify.gatewayPools
    const cooldowns = await pools.health.list()
    const now = Date.now()
    const providers = await Promise.all(fastify.gatewayProviders.all().map(async p => {
      const meta = pools.meta(p.id)
      const own = cooldowns.filter(c => c.member === p.id)
      return {
        id: p.id,
        type: p.type,
        protocol: p.protocol ?? null,
        weight: meta.weight,
        enabled: meta.enabled,
        healthy: meta.enabled && own.length === 0,
        inFlight: await pools.concurrency.inFlight(p.id),
        concurrencyLimit: meta.concurrencyLimit ?? null,
        cooldowns: own.map(c => ({ model: c.model ?? null, reason: c.reason, status: c.status, kind: c.kind, since: new Date(c.since).toISOString(), until: new Date(c.until).toISOString(), secondsLeft: Math.max(0, Math.ceil((c.until - now) / 1000)) }))
      }
    }))
    const store = fastify.gatewayState as { kind: string, degraded?: boolean }
    return { state: { kind: store.kind, degraded: store.degraded ?? false }, providers }
  })

  app.post('/provider_health/reset', {
    // Type.Optional means nothing at the root, and Fastify validates a missing body as null: a bodiless POST
    // (curl -X POST …/reset) has to be allowed explicitly.
    schema: {
      body: Type.Union([
        Type.Object({ member: Type.Optional(Type.String({ minLength: 1 })), model: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
        Type.Null()
      ])
    }
  }, async (request) => {
    const scope = request.body ?? {}
    const lifted = await fastify.gatewayPools.health.reset(scope)
    request.log.info({ member: scope.member ?? 'all', model: scope.model ?? 'all', lifted }, 'cooldowns reset')
    return { reset: lifted }
  })
}

export default adminRoutes
