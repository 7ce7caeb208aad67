import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { OpenAICompatibleProvider } from '../shared/openai-compatible.js'
import { registerProviderType } from '../shared/registration.js'
import { openaiChatReader } from './reader.js'

/** openai-custom serves any OpenAI-compatible base URL and key, with optional extra headers and a static model list. */
async function openaiCustomProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'openai-custom',
    reader: openaiChatReader,
    // Always available: the embedded default points at api.openai.com and needs only a key to work.
    configured: () => true,
    create: (id, c, deps) => new OpenAICompatibleProvider({
      id,
      type: 'openai-custom',
      baseUrl: c.OPENAI_BASE_URL,
      ...(c.OPENAI_API_KEY === undefined ? {} : { apiKey: c.OPENAI_API_KEY }),
      headers: c.OPENAI_EXTRA_HEADERS,
      ...(c.OPENAI_MODELS === undefined ? {} : { models: c.OPENAI_MODELS })
    }, deps.transport)
  })
}

export default fp(openaiCustomProvider, {
  name: 'switchboard-provider-openai-custom',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport']
})
