import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import { RoutingEnvelope } from '../../schemas/routing-envelope.js'
import { handleChat } from '../../plugins/chat-pipeline.js'
import { openaiChatCodec, toOpenAIModel, toOpenAIModelList } from './codec/index.js'

/** The OpenAI Chat Completions surface. OpenAI-compatible providers get the passthrough path. */
const openaiRoutes: FastifyPluginAsync = async (fastify) => {
  const startedAt = Math.floor(Date.now() / 1000)
  fastify.gatewaySurfaces.set('openai', {
    protocol: 'openai',
    renderError: err => openaiChatCodec.renderError(err),
    // Upstreams that do not say when a model was created get the gateway's start time.
    renderModelList: models => toOpenAIModelList(models, startedAt),
    renderModel: model => toOpenAIModel(model, startedAt)
  })
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/v1/chat/completions', {
    // Only what routing needs is checked here; the full schema is checked when the request is translated.
    schema: { body: RoutingEnvelope },
    config: { protocol: 'openai' },
    bodyLimit: fastify.gatewayConfig.BODY_LIMIT
  }, async (request, reply) => await handleChat(fastify, request, reply, {
    codec: openaiChatCodec,
    body: request.body as OpenAIChatRequest,
    ...(request.rawBody === undefined ? {} : { raw: request.rawBody }),
    passthroughOperation: () => '/chat/completions'
  }))
}

export default openaiRoutes
