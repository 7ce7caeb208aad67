import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's bytes as the client sent them (passthrough forwards them when nothing changed). */
    rawBody?: Buffer
  }
}

/**
 * Fastify's own JSON parser (same limits, same prototype-poisoning checks, same errors), keeping the bytes it
 * parsed: a passthrough request whose body the gateway did not change is sent upstream as received instead of
 * being serialized again.
 */
async function rawBodyPlugin (fastify: FastifyInstance): Promise<void> {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  fastify.decorateRequest('rawBody', undefined)
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    request.rawBody = bytes
    parse(request, bytes.toString('utf8'), done)
  })
}

export default fp(rawBodyPlugin, { name: 'switchboard-raw-body', fastify: '5.x' })
