import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { GeminiProvider } from './provider.js'
import { geminiReader } from './reader.js'
import { shouldRegister } from '../shared/registration.js'

/** gemini-custom: the Gemini API with GEMINI_API_KEY at GEMINI_API_BASE_URL. */
async function geminiCustomProvider (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  fastify.gatewayProviders.addReader(geminiReader)
  if (!shouldRegister(c, 'gemini-custom', c.GEMINI_API_KEY !== undefined)) return
  fastify.gatewayProviders.add(new GeminiProvider({
    id: 'gemini-custom',
    baseUrl: c.GEMINI_API_BASE_URL,
    ...(c.GEMINI_API_KEY === undefined ? {} : { apiKey: c.GEMINI_API_KEY })
  }, fastify.gatewayTransport))
}

export default fp(geminiCustomProvider, {
  name: 'switchboard-provider-gemini-custom',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-providers', 'switchboard-transport']
})
