import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { OpenAICompatibleProvider } from '../shared/openai-compatible.js'
import { shouldRegister } from '../shared/registration.js'

/**
 * openai-openrouter: the OpenRouter preset. Its attribution headers (HTTP-Referer, X-Title) were checked as ASCII at
 * start-up. Registered when a key is configured or MODEL_PROVIDER names it.
 */
async function openrouterProvider (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  if (!shouldRegister(c, 'openai-openrouter', c.OPENROUTER_API_KEY !== undefined)) return
  const headers: Record<string, string> = {}
  if (c.OPENROUTER_REFERER !== undefined) headers['http-referer'] = c.OPENROUTER_REFERER
  if (c.OPENROUTER_TITLE !== undefined) headers['x-title'] = c.OPENROUTER_TITLE
  fastify.gatewayProviders.add(new OpenAICompatibleProvider({
    id: 'openai-openrouter',
    type: 'openai-openrouter',
    baseUrl: c.OPENROUTER_BASE_URL,
    ...(c.OPENROUTER_API_KEY === undefined ? {} : { apiKey: c.OPENROUTER_API_KEY }),
    headers
  }, fastify.gatewayTransport))
}

export default fp(openrouterProvider, {
  name: 'switchboard-provider-openai-openrouter',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-providers', 'switchboard-transport']
})
