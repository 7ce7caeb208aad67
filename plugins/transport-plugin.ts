import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { Transport, transportOptions } from './transport.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayTransport: Transport
  }
}

export interface TransportPluginOptions {
  /** Replaces the undici dispatcher (tests, or an embedding app's own agent). */
  dispatcher?: Dispatcher
}

/** One keep-alive transport per gateway instance, closed with it. */
async function transportPlugin (fastify: FastifyInstance, opts: TransportPluginOptions): Promise<void> {
  const transport = new Transport({
    ...transportOptions(fastify.gatewayConfig),
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher })
  })
  fastify.decorate('gatewayTransport', transport)
  fastify.addHook('onClose', async () => { await transport.close() })
}

export default fp(transportPlugin, { name: 'switchboard-transport', fastify: '5.x', dependencies: ['switchboard-config'] })
