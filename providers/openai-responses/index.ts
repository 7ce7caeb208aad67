import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { OpenAICompatibleProvider, RESPONSES_DIALECT } from '../shared/openai-compatible.js'
import { registerProviderType } from '../shared/registration.js'
import { responsesReader } from './reader.js'

/**
 * openaiResponses-custom: an OpenAI-compatible Responses endpoint. Its key and base URL default to openai-custom's,
 * since most such upstreams serve both APIs.
 */
async function openaiResponsesProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'openaiResponses-custom',
    reader: responsesReader,
    configured: c => c.OPENAI_RESPONSES_API_KEY !== undefined || c.OPENAI_RESPONSES_BASE_URL !== undefined,
    create: (id, c, deps) => {
      const apiKey = c.OPENAI_RESPONSES_API_KEY ?? c.OPENAI_API_KEY
      return new OpenAICompatibleProvider({
        id,
        type: 'openaiResponses-custom',
        dialect: RESPONSES_DIALECT,
        baseUrl: c.OPENAI_RESPONSES_BASE_URL ?? c.OPENAI_BASE_URL,
        ...(apiKey === undefined ? {} : { apiKey }),
        headers: c.OPENAI_EXTRA_HEADERS
      }, deps.transport)
    }
  })
}

export default fp(openaiResponsesProvider, {
  name: 'switchboard-provider-openai-responses',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport']
})
