import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

/**
 * Echoes the request id the way each SDK reads it (OpenAI x-request-id, Anthropic request-id), unless the
 * upstream's own id is already being relayed.
 */
async function requestIdPlugin (fastify: FastifyInstance): Promise<void> {
  // A callback hook, not an async one: no promise per response on the hot path.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('x-request-id')) reply.header('x-request-id', request.id)
    if (!reply.hasHeader('request-id')) reply.header('request-id', request.id)
    done(null, payload)
  })
}

export default fp(requestIdPlugin, { name: 'switchboard-request-id', fastify: '5.x' })
