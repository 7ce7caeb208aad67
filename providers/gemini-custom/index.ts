import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { GeminiProvider } from './provider.js'
import { geminiReader } from './reader.js'
import { registerProviderType } from '../shared/registration.js'

/** gemini-custom: the Gemini API with GEMINI_API_KEY at GEMINI_API_BASE_URL. */
async function geminiCustomProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'gemini-custom',
    reader: geminiReader,
    configured: c => c.GEMINI_API_KEY !== undefined,
    create: (id, c, deps) => new GeminiProvider({
      id,
      baseUrl: c.GEMINI_API_BASE_URL,
      ...(c.GEMINI_API_KEY === undefined ? {} : { apiKey: c.GEMINI_API_KEY })
    }, deps.transport)
  })
}

export default fp(geminiCustomProvider, {
  name: 'switchboard-provider-gemini-custom',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport']
})
