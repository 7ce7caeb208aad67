import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { OpenAICompatibleProvider } from '../shared/openai-compatible.js'
import { openaiChatReader } from './reader.js'

/** openai-custom: any OpenAI-compatible base URL and key, with optional extra headers and a static model list. */
async function openaiCustomProvider (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  fastify.gatewayProviders.addReader(openaiChatReader)
  fastify.gatewayProviders.add(new OpenAICompatibleProvider({
    id: 'openai-custom',
    type: 'openai-custom',
    baseUrl: c.OPENAI_BASE_URL,
    ...(c.OPENAI_API_KEY === undefined ? {} : { apiKey: c.OPENAI_API_KEY }),
    headers: c.OPENAI_EXTRA_HEADERS,
    ...(c.OPENAI_MODELS === undefined ? {} : { models: c.OPENAI_MODELS })
  }, fastify.gatewayTransport))
}

export default fp(openaiCustomProvider, {
  name: 'switchboard-provider-openai-custom',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-providers', 'switchboard-transport']
})
