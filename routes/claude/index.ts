import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ClaudeCountTokensRequest, type ClaudeMessagesRequest } from '../../schemas/anthropic/messages-request.js'
import { RoutingEnvelope } from '../../schemas/routing-envelope.js'
import { handleChat } from '../../plugins/chat-pipeline.js'
import { countInputTokens } from '../../plugins/count-tokens.js'
import { claudeCodec, toClaudeModelInfo, toClaudeModelList } from './codec/index.js'

/** The Anthropic Messages surface. Anthropic providers get the passthrough path. */
const claudeRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.gatewaySurfaces.set('anthropic', {
    protocol: 'anthropic',
    renderError: err => claudeCodec.renderError(err),
    renderModelList: (models, query) => {
      const limit = Number(query.limit)
      return toClaudeModelList(models, {
        ...(Number.isInteger(limit) && limit > 0 ? { limit: Math.min(limit, 1000) } : {}),
        ...(typeof query.after_id === 'string' ? { after_id: query.after_id } : {}),
        ...(typeof query.before_id === 'string' ? { before_id: query.before_id } : {})
      })
    },
    renderModel: toClaudeModelInfo
  })
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const bodyLimit = fastify.gatewayConfig.BODY_LIMIT

  app.post('/v1/messages', {
    // Only what routing needs is checked here; the full schema is checked when the request is translated.
    schema: { body: RoutingEnvelope },
    config: { protocol: 'anthropic' },
    bodyLimit
  }, async (request, reply) => await handleChat(fastify, request, reply, {
    codec: claudeCodec,
    body: request.body as ClaudeMessagesRequest,
    ...(request.rawBody === undefined ? {} : { raw: request.rawBody }),
    passthroughOperation: () => '/messages'
  }))

  app.post('/v1/messages/count_tokens', {
    schema: { body: ClaudeCountTokensRequest },
    config: { protocol: 'anthropic' },
    bodyLimit
  }, async (request) => {
    // count_tokens bodies have no max_tokens; the codec wants one, and it does not change the count.
    const canonical = claudeCodec.decodeRequest({ ...request.body, max_tokens: 1 }, fastify.gatewayTranslate)
    const count = await countInputTokens(fastify, request, canonical)
    return { input_tokens: count.tokens }
  })
}

export default claudeRoutes
