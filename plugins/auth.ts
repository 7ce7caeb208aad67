import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError } from './gateway-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes open without a key (health). */
    public?: boolean
  }
}

/** Every place a client may put its key, in the order the SDKs use them. Never logged. */
export function presentedKey (request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim()
  const apiKey = request.headers['x-api-key']
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey
  const googKey = request.headers['x-goog-api-key']
  if (typeof googKey === 'string' && googKey !== '') return googKey
  const query = request.query as Record<string, unknown> | undefined
  const queryKey = query?.key
  return typeof queryKey === 'string' && queryKey !== '' ? queryKey : undefined
}

/** Digests first, so the comparison takes the same time whatever the lengths. */
function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export function keysMatch (presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected)
}

/**
 * API-key auth for every gateway route but the public ones. With no REQUIRED_API_KEY configured every request
 * passes: the server then binds only to loopback (enforced at listen time).
 */
async function authPlugin (fastify: FastifyInstance): Promise<void> {
  const required = fastify.gatewayConfig.REQUIRED_API_KEY
  if (required === undefined || required === '') return
  const expected = digest(required)
  fastify.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return
    const key = presentedKey(request)
    if (key === undefined) {
      throw new GatewayError({ kind: 'authentication', status: 401, message: 'Missing API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=', code: 'invalid_api_key' })
    }
    if (!keysMatch(key, expected)) {
      throw new GatewayError({ kind: 'authentication', status: 401, message: 'Invalid API key', code: 'invalid_api_key' })
    }
  })
}

export default fp(authPlugin, { name: 'switchboard-auth', fastify: '5.x', dependencies: ['switchboard-config', 'switchboard-errors'] })
