import fp from 'fastify-plugin'
import { hash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { GatewayConfig } from '../schemas/config.js'
import { GatewayError } from './gateway-error.js'
import type { StateStore } from './state-store.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes open without a key (health). */
    public?: boolean
  }
  interface FastifyRequest {
    /** The named client key that authenticated this request (undefined for REQUIRED_API_KEY or an open gateway). */
    clientKey?: ClientKey
  }
  interface FastifyInstance {
    gatewayClients: ClientKeys
  }
}

export type ClientKey = GatewayConfig['CLIENT_KEYS'][number]

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

/** Fixed-length digests compare in constant time whatever the presented key's length (one-shot: half the cost). */
function digest (value: string): Buffer {
  return hash('sha256', value, 'buffer')
}

function matchesPattern (pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model
}

const MINUTE = 60_000

/**
 * Client keys and their limits. Keys are compared as SHA-256 digests (constant time for the master key; a digest
 * lookup for named keys, which reveals nothing about the key). Per-minute request and token counters live in the
 * state store, so limits hold across instances sharing Redis.
 */
export class ClientKeys {
  private readonly master: Buffer | undefined
  private readonly named = new Map<string, ClientKey>()

  constructor (config: GatewayConfig, private readonly store: StateStore) {
    const required = config.REQUIRED_API_KEY
    this.master = required === undefined || required === '' ? undefined : digest(required)
    for (const key of config.CLIENT_KEYS) this.named.set(digest(key.key).toString('hex'), key)
  }

  get enforced (): boolean {
    return this.master !== undefined || this.named.size > 0
  }

  /** The client key for a presented key; `null` for the master key; undefined when it matches nothing. */
  identify (presented: string): ClientKey | null | undefined {
    const d = digest(presented)
    if (this.master !== undefined && timingSafeEqual(d, this.master)) return null
    return this.named.get(d.toString('hex'))
  }

  private windowKey (kind: string, name: string, now: number): string {
    return `limit:${kind}:${encodeURIComponent(name)}:${Math.floor(now / MINUTE)}`
  }

  /** Counts one request and refuses it when the key is over its requests or tokens per minute. */
  async admit (key: ClientKey, now = Date.now()): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil((MINUTE - (now % MINUTE)) / 1000))
    if (key.tokensPerMinute !== undefined) {
      const used = Number(await this.store.get(this.windowKey('tok', key.name, now)) ?? 0)
      if (used >= key.tokensPerMinute) throw limitError(`Client key "${key.name}" used its ${key.tokensPerMinute} tokens per minute`, retryAfter)
    }
    if (key.requestsPerMinute !== undefined) {
      const count = await this.store.increment(this.windowKey('req', key.name, now), 1, MINUTE * 2)
      if (count > key.requestsPerMinute) throw limitError(`Client key "${key.name}" is over its ${key.requestsPerMinute} requests per minute`, retryAfter)
    }
  }

  /** Adds an exchange's tokens to the key's current minute. */
  async chargeTokens (key: ClientKey, tokens: number, now = Date.now()): Promise<void> {
    if (key.tokensPerMinute === undefined || tokens <= 0) return
    await this.store.increment(this.windowKey('tok', key.name, now), tokens, MINUTE * 2)
  }

  /** Refuses a model the key may not use. */
  checkModel (key: ClientKey | undefined, model: string): void {
    if (key?.models === undefined || key.models.length === 0) return
    if (key.models.some(p => matchesPattern(p, model))) return
    throw new GatewayError({ kind: 'permission', status: 403, code: 'model_not_allowed', refusal: 'client_model', message: `Client key "${key.name}" may not use model "${model}"` })
  }
}

function limitError (message: string, retryAfter: number): GatewayError {
  return new GatewayError({ kind: 'rate_limit', status: 429, code: 'rate_limit_exceeded', refusal: 'client_rate_limit', message, retryAfter })
}

/**
 * API-key auth for every gateway route but the public ones. With no REQUIRED_API_KEY and no CLIENT_KEYS every
 * request passes: the server then binds only to loopback (enforced at listen time).
 */
async function authPlugin (fastify: FastifyInstance): Promise<void> {
  const clients = new ClientKeys(fastify.gatewayConfig, fastify.gatewayState)
  fastify.decorate('gatewayClients', clients)
  fastify.decorateRequest('clientKey', undefined)
  if (!clients.enforced) return
  fastify.gatewayExchanges.add({
    wantsContent: false,
    observe: record => {
      if (record.clientKey === undefined || record.usage === undefined) return
      const key = fastify.gatewayConfig.CLIENT_KEYS.find(k => k.name === record.clientKey)
      if (key !== undefined) clients.chargeTokens(key, record.usage.inputTokens + record.usage.outputTokens).catch(() => {})
    }
  })
  fastify.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return
    const presented = presentedKey(request)
    if (presented === undefined) {
      throw new GatewayError({ kind: 'authentication', status: 401, message: 'Missing API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=', code: 'invalid_api_key' })
    }
    const key = clients.identify(presented)
    if (key === undefined) throw new GatewayError({ kind: 'authentication', status: 401, message: 'Invalid API key', code: 'invalid_api_key' })
    if (key !== null) {
      request.clientKey = key
      await clients.admit(key)
    }
  })
}

export default fp(authPlugin, { name: 'switchboard-auth', fastify: '5.x', dependencies: ['switchboard-config', 'switchboard-errors', 'switchboard-state', 'switchboard-exchanges'] })
