import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import { handleChat } from '../../plugins/chat-pipeline.js'
import { openaiChatCodec } from './codec/index.js'
import { toOpenAIModel, toOpenAIModelList } from './models-render.js'

/** The OpenAI Chat Completions surface. OpenAI-compatible providers get the passthrough path. */
const openaiRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.gatewaySurfaces.set('openai', {
    protocol: 'openai',
    renderError: err => openaiChatCodec.renderError(err),
    renderModelList: toOpenAIModelList,
    renderModel: toOpenAIModel
  })
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/v1/chat/completions', {
    schema: { body: OpenAIChatRequest },
    config: { protocol: 'openai' },
    bodyLimit: fastify.gatewayConfig.BODY_LIMIT
  }, async (request, reply) => await handleChat(fastify, request, reply, {
    codec: openaiChatCodec,
    body: request.body,
    passthroughOperation: () => '/chat/completions'
  }))
}

export default openaiRoutes
