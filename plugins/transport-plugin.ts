import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Dispatcher } from 'undici'
import { Transport, transportOptions } from './transport.js'
import { describeProxyChoice, proxyChoiceFor } from './proxy-settings.js'
import type { GatewayConfig } from '../schemas/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The transport without a proxy (and the owner of every connection pool). */
    gatewayTransport: Transport
    /** The transport a provider instance uses: its proxy (or none) chosen from its configuration; logged once. */
    gatewayTransportFor: (providerId: string, providerType: string, config: GatewayConfig) => Transport
  }
}

export interface TransportPluginOptions {
  /** Replaces the undici dispatcher (tests, or an embedding app's own agent). */
  dispatcher?: Dispatcher
  /** Where HTTPS_PROXY / HTTP_PROXY / no_proxy are read (default: process.env). */
  env?: NodeJS.ProcessEnv
}

/** One keep-alive transport per gateway instance, closed with it; proxied siblings share its pools. */
async function transportPlugin (fastify: FastifyInstance, opts: TransportPluginOptions): Promise<void> {
  const transport = new Transport({
    ...transportOptions(fastify.gatewayConfig),
    log: fastify.log,
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher })
  })
  const env = opts.env ?? process.env
  fastify.decorate('gatewayTransport', transport)
  fastify.decorate('gatewayTransportFor', (providerId: string, providerType: string, config: GatewayConfig): Transport => {
    if (opts.dispatcher !== undefined) return transport
    const choice = proxyChoiceFor(providerType, config, env)
    fastify.log.info(`upstream route of ${providerId}: ${describeProxyChoice(choice)}`)
    return transport.withProxy(choice)
  })
  fastify.addHook('onClose', async () => { await transport.close() })
}

export default fp(transportPlugin, { name: 'switchboard-transport', fastify: '5.x', dependencies: ['switchboard-config'] })
