import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { Transport } from './transport.js'

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
  const c = fastify.gatewayConfig
  const transport = new Transport({
    connectTimeoutMs: c.UPSTREAM_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: c.UPSTREAM_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: c.UPSTREAM_BODY_TIMEOUT_MS,
    ...(c.PROXY_URL === undefined ? {} : { proxyUrl: c.PROXY_URL }),
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher })
  })
  fastify.decorate('gatewayTransport', transport)
  fastify.addHook('onClose', async () => { await transport.close() })
}

export default fp(transportPlugin, { name: 'switchboard-transport', fastify: '5.x', dependencies: ['switchboard-config'] })
