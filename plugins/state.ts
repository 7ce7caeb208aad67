import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { StateStore } from './state-store.js'
import { MemoryStore } from './memory-store.js'
import { ResilientStore } from './resilient-store.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayState: StateStore
  }
}

export interface StatePluginOptions {
  /** A store built by the caller; otherwise Redis when REDIS_URL is set, else in-memory. */
  store?: StateStore
}

/**
 * The shared-state store. With REDIS_URL, several instances share it; if Redis goes away the gateway keeps serving
 * on local state (logged once) and switches back when Redis answers again. Stores we create we also close.
 */
async function statePlugin (fastify: FastifyInstance, opts: StatePluginOptions): Promise<void> {
  if (opts.store !== undefined) {
    fastify.decorate('gatewayState', opts.store)
    return
  }
  const c = fastify.gatewayConfig
  let store: StateStore
  if (c.REDIS_URL !== undefined && c.REDIS_URL !== '') {
    let lastError = ''
    // ioredis costs ~150 ms of start-up CPU: loaded only when Redis is configured.
    const { RedisStore } = await import('./redis-store.js')
    const redis = new RedisStore({
      url: c.REDIS_URL,
      keyPrefix: c.REDIS_KEY_PREFIX,
      onError: err => {
        // ioredis reports every failed reconnect; log each distinct message once.
        if (err.message !== lastError) fastify.log.warn({ err: err.message }, 'redis connection error')
        lastError = err.message
      }
    })
    try {
      await redis.ready(3000)
      fastify.log.info('shared state: redis')
    } catch {
      fastify.log.warn('redis not reachable at start-up: serving on local state until it is')
    }
    store = new ResilientStore({ primary: redis, log: fastify.log })
  } else {
    store = new MemoryStore()
  }
  fastify.decorate('gatewayState', store)
  fastify.addHook('onClose', async () => { await store.close() })
}

export default fp(statePlugin, { name: 'switchboard-state', fastify: '5.x', dependencies: ['switchboard-config'] })
