import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Dispatcher } from 'undici'
import type { TranslateContext } from './schemas/translate-context.js'
import type { GatewayConfig } from './schemas/config.js'
import { loadConfig } from './plugins/config-loader.js'
import { createTranslateContext } from './plugins/translate-context.js'
import { cachedTypeBoxCompiler } from './plugins/validator-compiler.js'
import type { StateStore } from './plugins/state-store.js'
import configPlugin from './plugins/config.js'
import statePlugin from './plugins/state.js'
import transportPlugin from './plugins/transport-plugin.js'
import errorHandlerPlugin from './plugins/error-handler.js'
import providerRegistryPlugin from './plugins/provider-registry.js'
import exchangesPlugin from './plugins/exchanges.js'
import poolsPlugin from './plugins/pools.js'
import promptLogPlugin from './plugins/prompt-log.js'
import metricsPlugin from './plugins/metrics.js'
import systemPromptPlugin from './plugins/system-prompt.js'
import authPlugin from './plugins/auth.js'
import healthChecksPlugin from './plugins/health-checks.js'
import requestIdPlugin from './plugins/request-id.js'
import rawBodyPlugin from './plugins/raw-body.js'
import openaiCustomProvider from './providers/openai-custom/index.js'
import openrouterProvider from './providers/openai-openrouter/index.js'
import claudeCustomProvider from './providers/claude-custom/index.js'
import geminiCustomProvider from './providers/gemini-custom/index.js'
import geminiCliProvider from './providers/gemini-cli-oauth/index.js'
import openaiResponsesProvider from './providers/openai-responses/index.js'
import kiroProvider from './providers/claude-kiro-oauth/index.js'
import healthRoutes from './routes/health.js'
import metricsRoutes from './routes/metrics.js'
import adminRoutes from './routes/admin.js'
import apiRoutes from './routes/api.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayTranslate: TranslateContext
  }
}

export interface SwitchboardOptions {
  /** Configuration values (validated with defaults applied); the CLI passes what it loaded from file/env/flags. */
  config?: Partial<GatewayConfig>
  /** URL prefix for every gateway route, e.g. '/llm'. */
  prefix?: string
  /** Replaces the upstream HTTP dispatcher (tests, corporate agents); no proxy is then applied. */
  dispatcher?: Dispatcher
  /** The environment whose HTTPS_PROXY, HTTP_PROXY and no_proxy apply to upstream calls (default: process.env). */
  proxyEnv?: NodeJS.ProcessEnv
  /** Replaces the in-memory state store (the CLI passes the Redis one when REDIS_URL is set). */
  store?: StateStore
  /** Fixed clock and ids for tests. */
  translate?: TranslateContext
  /**
   * Receives the gateway's own (encapsulated) instance once everything is registered: the CLI's
   * `credentials check` reads its providers from it without listening.
   */
  onGateway?: (gateway: FastifyInstance) => void
}

/**
 * The gateway itself, encapsulated: its hooks (auth, error format) and decorations stay inside and never touch the
 * host app. Registration order is the dependency order.
 */
const gateway: FastifyPluginAsync<SwitchboardOptions> = async (fastify, opts) => {
  const { config, warnings } = loadConfig({ overrides: opts.config ?? {} })
  for (const warning of warnings) fastify.log.warn(warning)

  fastify.setValidatorCompiler(cachedTypeBoxCompiler())
  fastify.decorate('gatewayTranslate', opts.translate ?? createTranslateContext())
  await fastify.register(configPlugin, { config })
  await fastify.register(statePlugin, opts.store === undefined ? {} : { store: opts.store })
  await fastify.register(transportPlugin, {
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
    ...(opts.proxyEnv === undefined ? {} : { env: opts.proxyEnv })
  })
  await fastify.register(errorHandlerPlugin)
  await fastify.register(requestIdPlugin)
  await fastify.register(rawBodyPlugin)
  await fastify.register(providerRegistryPlugin)
  await fastify.register(poolsPlugin)
  await fastify.register(exchangesPlugin)
  await fastify.register(promptLogPlugin)
  await fastify.register(metricsPlugin)
  await fastify.register(systemPromptPlugin)
  await fastify.register(authPlugin)

  await fastify.register(openaiCustomProvider)
  await fastify.register(openrouterProvider)
  await fastify.register(claudeCustomProvider)
  await fastify.register(geminiCustomProvider)
  await fastify.register(geminiCliProvider)
  await fastify.register(openaiResponsesProvider)
  await fastify.register(kiroProvider)

  await fastify.register(healthChecksPlugin)

  await fastify.register(healthRoutes)
  await fastify.register(metricsRoutes)
  await fastify.register(adminRoutes)
  await fastify.register(apiRoutes)
  await fastify.register(apiRoutes, { prefix: '/:provider' })
  opts.onGateway?.(fastify)
}

/** The root plugin: register it in any Fastify 5 app with `{ config, prefix }`. It never listens. */
async function switchboard (fastify: FastifyInstance, opts: SwitchboardOptions): Promise<void> {
  await fastify.register(gateway, { ...opts, prefix: opts.prefix ?? '' })
}

export default fp(switchboard, { name: 'switchboard', fastify: '5.x' })
export { loadConfig } from './plugins/config-loader.js'
export type { GatewayConfig } from './schemas/config.js'
