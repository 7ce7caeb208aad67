import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { readConfigFile, ConfigError } from './config-loader.js'
import { fromA2ProviderPools, parsePoolsConfig, PoolConfigError, type PoolMember, type PoolsConfig, type PoolStrategy } from './pool/pool-config.js'
import { HealthTracker } from './pool/health.js'
import { ConcurrencyTracker } from './pool/concurrency.js'
import type { SelectableMember } from './pool/selector.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayPools: PoolManager
  }
}

/**
 * Pool membership and the shared trackers. Runtime state (cooldowns, cursors, in-flight counts) lives only in the
 * state store, never in the user's files.
 */
export class PoolManager {
  private readonly members = new Map<string, SelectableMember>()

  constructor (
    readonly pools: PoolsConfig,
    readonly health: HealthTracker,
    readonly concurrency: ConcurrencyTracker,
    private readonly defaultStrategy: PoolStrategy
  ) {}

  membersOf (type: string): PoolMember[] | undefined {
    return this.pools[type]?.members
  }

  strategyOf (type: string): PoolStrategy {
    return this.pools[type]?.strategy ?? this.defaultStrategy
  }

  /** Records the selection metadata of a provider instance (pool member or single instance). */
  register (meta: SelectableMember): void {
    this.members.set(meta.id, meta)
  }

  meta (providerId: string): SelectableMember {
    return this.members.get(providerId) ?? { id: providerId, weight: 1, enabled: true }
  }
}

/** A pools file is AIClient-2-API's when its values are arrays of nodes; otherwise it is our native shape. */
export function readPoolsFile (path: string, warn: (message: string) => void): PoolsConfig {
  const json = readConfigFile(path)
  const isA2 = Object.values(json).some(v => Array.isArray(v))
  try {
    return isA2 ? fromA2ProviderPools(json, warn) : parsePoolsConfig(json)
  } catch (err) {
    if (err instanceof PoolConfigError) throw new ConfigError('PROVIDER_POOLS_FILE_PATH', `${path}: ${err.message}`)
    throw err
  }
}

async function poolsPlugin (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  const warn = (message: string): void => { fastify.log.warn(message) }
  let pools: PoolsConfig = {}
  if (c.PROVIDER_POOLS_FILE_PATH !== undefined && c.PROVIDER_POOLS_FILE_PATH !== '') pools = readPoolsFile(c.PROVIDER_POOLS_FILE_PATH, warn)
  if (c.PROVIDER_POOLS !== undefined) {
    try {
      pools = { ...pools, ...parsePoolsConfig(c.PROVIDER_POOLS) }
    } catch (err) {
      if (err instanceof PoolConfigError) throw new ConfigError('PROVIDER_POOLS', err.message)
      throw err
    }
  }
  const health = new HealthTracker(fastify.gatewayState, {
    scope: c.POOL_COOLDOWN_SCOPE,
    maxCooldownMs: c.POOL_MAX_COOLDOWN_MS,
    rateLimitCooldownMs: c.POOL_RATE_LIMIT_COOLDOWN_MS,
    authCooldownMs: c.POOL_AUTH_COOLDOWN_MS,
    failureThreshold: c.POOL_FAILURE_THRESHOLD,
    failureWindowMs: c.POOL_FAILURE_WINDOW_MS,
    failureCooldownMs: c.POOL_FAILURE_COOLDOWN_MS
  })
  fastify.decorate('gatewayPools', new PoolManager(pools, health, new ConcurrencyTracker(fastify.gatewayState), c.POOL_STRATEGY))
  fastify.addHook('onReady', async () => {
    for (const type of Object.keys(pools)) {
      if (!fastify.gatewayProviders.has(type)) fastify.log.warn(`Pool for provider type "${type}" ignored: that type is not supported`)
    }
  })
}

export default fp(poolsPlugin, {
  name: 'switchboard-pools',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-state', 'switchboard-providers']
})
