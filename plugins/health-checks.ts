import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { isGatewayError } from './gateway-error.js'
import { memberId } from './pool/pool-config.js'

/**
 * Optional scheduled health checks (HEALTH_CHECK_INTERVAL_MS > 0) of pool members whose healthCheck is enabled
 * (AIClient-2-API's checkHealth/checkModelName): a one-token request. A pass lifts the member's cooldowns early; a
 * failure counts like any other. With shared state, one instance checks each member per interval (a store lock).
 */
async function healthChecksPlugin (fastify: FastifyInstance): Promise<void> {
  const interval = fastify.gatewayConfig.HEALTH_CHECK_INTERVAL_MS
  if (interval <= 0) return
  const pools = fastify.gatewayPools
  const log = fastify.log.child({ component: 'health-check' })

  async function checkOne (type: string, name: string, model: string): Promise<void> {
    const id = memberId(type, name)
    const provider = fastify.gatewayProviders.ofType(type).find(p => p.id === id)
    if (provider === undefined) return
    const release = await fastify.gatewayState.tryLock(`healthcheck:${id}`, interval)
    if (release === undefined) return
    try {
      await provider.complete({ model, system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], maxTokens: 1, stream: false }, {
        signal: AbortSignal.timeout(Math.min(interval, 30_000)),
        log,
        requestId: `healthcheck-${id}`,
        translate: fastify.gatewayTranslate,
        clientHeaders: {}
      })
      const lifted = await pools.health.reset({ member: id })
      if (lifted > 0) log.info({ provider: id }, 'health check passed: cooldown lifted')
    } catch (err) {
      if (isGatewayError(err)) await pools.health.recordFailure(id, model, err)
      log.warn({ provider: id, err: err instanceof Error ? err.message : String(err) }, 'health check failed')
    }
  }

  async function round (): Promise<void> {
    for (const [type, pool] of Object.entries(pools.pools)) {
      for (const member of pool.members) {
        if (member.healthCheck?.enabled !== true || !member.enabled) continue
        const model = member.healthCheck.model ?? member.models?.find(m => !m.endsWith('*'))
        if (model === undefined) continue
        await checkOne(type, member.name, model)
      }
    }
  }

  const timer = setInterval(() => { round().catch(err => log.warn({ err }, 'health check round failed')) }, interval)
  timer.unref()
  fastify.addHook('onClose', async () => { clearInterval(timer) })
}

export default fp(healthChecksPlugin, {
  name: 'switchboard-health-checks',
  fastify: '5.x',
  dependencies: ['switchboard-pools', 'switchboard-providers', 'switchboard-state']
})
