import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { OpenAICompatibleProvider } from '../shared/openai-compatible.js'
import { registerProviderType } from '../shared/registration.js'

/** openai-openrouter: the OpenRouter preset; its attribution headers were checked as ASCII at start-up. */
async function openrouterProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'openai-openrouter',
    configured: c => c.OPENROUTER_API_KEY !== undefined,
    create: (id, c, deps) => {
      const headers: Record<string, string> = {}
      if (c.OPENROUTER_REFERER !== undefined) headers['http-referer'] = c.OPENROUTER_REFERER
      if (c.OPENROUTER_TITLE !== undefined) headers['x-title'] = c.OPENROUTER_TITLE
      return new OpenAICompatibleProvider({
        id,
        type: 'openai-openrouter',
        baseUrl: c.OPENROUTER_BASE_URL,
        ...(c.OPENROUTER_API_KEY === undefined ? {} : { apiKey: c.OPENROUTER_API_KEY }),
        headers
      }, deps.transport)
    }
  })
}

export default fp(openrouterProvider, {
  name: 'switchboard-provider-openai-openrouter',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport']
})
