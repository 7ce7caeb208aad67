import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { StateStore } from './state-store.js'
import { MemoryStore } from './memory-store.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayState: StateStore
  }
}

export interface StatePluginOptions {
  /** A store built by the caller (the CLI builds the Redis one when REDIS_URL is set). */
  store?: StateStore
}

/** The shared-state store: in-memory by default. Closed with the instance when we created it. */
async function statePlugin (fastify: FastifyInstance, opts: StatePluginOptions): Promise<void> {
  const store = opts.store ?? new MemoryStore()
  fastify.decorate('gatewayState', store)
  if (opts.store === undefined) fastify.addHook('onClose', async () => { await store.close() })
}

export default fp(statePlugin, { name: 'switchboard-state', fastify: '5.x' })
