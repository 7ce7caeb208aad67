import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { GatewayConfig } from '../schemas/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayConfig: GatewayConfig
  }
}

export interface ConfigPluginOptions {
  config: GatewayConfig
}

/** Exposes the validated configuration (loaded by the CLI or the embedding app with loadConfig). */
async function configPlugin (fastify: FastifyInstance, opts: ConfigPluginOptions): Promise<void> {
  fastify.decorate('gatewayConfig', opts.config)
}

export default fp(configPlugin, { name: 'switchboard-config', fastify: '5.x' })
