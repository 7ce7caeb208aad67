import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Message } from '../../schemas/canonical.js'
import type { ResponsesRequest } from '../../schemas/openai/responses-request.js'
import { RoutingEnvelope } from '../../schemas/routing-envelope.js'
import { handleChat, type CompletedExchange } from '../../plugins/chat-pipeline.js'
import { invalidRequest } from '../../plugins/gateway-error.js'
import { isRecord } from '../../schemas/json-text.js'
import { prependHistory, responsesCodec, toStoredConversation, type ResponsesStreamEncoder } from './codec/index.js'

const STORE_PREFIX = 'responses:'

/**
 * The OpenAI Responses surface. Conversations the gateway answered are kept in the state store (memory or Redis)
 * for RESPONSES_STORE_TTL_MS under their resp_ id, so previous_response_id works with every provider; `store: false`
 * keeps nothing. An id the gateway does not know is left to a Responses upstream (passthrough), else a 400.
 */
const responsesRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.gatewaySurfaces.set('responses', { protocol: 'responses', renderError: err => responsesCodec.renderError(err) })
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const ttl = fastify.gatewayConfig.RESPONSES_STORE_TTL_MS

  async function loadHistory (id: string): Promise<Message[] | undefined> {
    const text = await fastify.gatewayState.get(STORE_PREFIX + id)
    if (text === undefined) return undefined
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? parsed as Message[] : undefined
  }

  function store (done: CompletedExchange): void {
    const payloadId = isRecord(done.payload) && typeof done.payload.id === 'string' ? done.payload.id : undefined
    const id = payloadId ?? (done.encoder as ResponsesStreamEncoder | undefined)?.responseId
    if (id === undefined) return
    fastify.gatewayState.set(STORE_PREFIX + id, JSON.stringify(toStoredConversation(done.request, done.response)), ttl)
      .catch((err: unknown) => { fastify.log.warn({ err }, 'could not store the response for previous_response_id') })
  }

  app.post('/v1/responses', {
    // Only what routing needs is checked here; the full schema is checked when the request is translated.
    schema: { body: RoutingEnvelope },
    config: { protocol: 'responses' },
    bodyLimit: fastify.gatewayConfig.BODY_LIMIT
  }, async (request, reply) => {
    const body = request.body as ResponsesRequest
    const previous = typeof body.previous_response_id === 'string' && body.previous_response_id !== '' ? body.previous_response_id : undefined
    const history = previous === undefined ? undefined : await loadHistory(previous)
    const keep = body.store !== false
    return await handleChat(fastify, request, reply, {
      codec: responsesCodec,
      body,
      // A conversation we hold must be replayed by us; an id we do not hold may be the upstream's own.
      ...(history === undefined ? { passthroughOperation: () => '/responses' } : {}),
      translate: req => {
        if (previous === undefined) return req
        if (history === undefined) throw invalidRequest(`Previous response with id '${previous}' not found.`, 'previous_response_id')
        return prependHistory(req, history)
      },
      ...(keep ? { onComplete: store } : {})
    })
  })
}

export default responsesRoutes
