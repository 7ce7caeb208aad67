import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ModelInfo, Protocol } from '../schemas/canonical.js'
import type { RenderedError, SurfaceCodec } from '../routes/surface-codec.js'
import { GatewayError, isGatewayError, kindForStatus } from './gateway-error.js'
import { formatPath, invalidField } from './body-check.js'

/** What the shared routes need from each surface: its error format and its model-list shapes. */
export interface SurfaceEntry extends Pick<SurfaceCodec, 'protocol' | 'renderError'> {
  renderModelList?: (models: ModelInfo[], query: Record<string, unknown>) => unknown
  renderModel?: (model: ModelInfo) => unknown
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Each surface registers how it renders errors and model lists; shared handlers pick the client's. */
    gatewaySurfaces: Map<Protocol, SurfaceEntry>
    renderGatewayError(request: FastifyRequest, err: GatewayError): RenderedError
  }
  interface FastifyContextConfig {
    /** The client protocol a route speaks: selects the error format and the auth header forms. */
    protocol?: Protocol
  }
}

/** Guesses the client protocol of a request no route claimed (404s, early failures) from its path and headers. */
export function detectProtocol (request: FastifyRequest): Protocol {
  const configured = request.routeOptions.config?.protocol
  if (configured !== undefined) return configured
  const url = request.url
  if (url.includes('/v1beta/') || /\/v1\/models\/[^/?]+:/.test(url) || request.headers['x-goog-api-key'] !== undefined || /[?&]key=/.test(url)) return 'gemini'
  if (url.includes('/v1/messages') || request.headers['anthropic-version'] !== undefined) return 'anthropic'
  if (url.includes('/v1/responses')) return 'responses'
  return 'openai'
}

/** Turns Fastify's own errors (validation, body limit, bad JSON) into GatewayErrors with a useful message. */
export function toGatewayError (err: FastifyError | Error): GatewayError {
  if (isGatewayError(err)) return err
  const fe = err as FastifyError
  if (fe.validation !== undefined && fe.validation.length > 0) {
    const v = fe.validation[0]!
    const path = formatPath(v.instancePath)
    const field = path === '' ? (fe.validationContext ?? 'body') : path
    const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined
    if (missing === undefined) return invalidField(field, v.message)
    const param = path === '' ? missing : `${path}.${missing}`
    return new GatewayError({ kind: 'invalid_request', status: 400, message: `Missing required field "${param}"`, param })
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new GatewayError({ kind: 'request_too_large', status: 413, message: 'Request body is larger than the gateway allows (BODY_LIMIT)' })
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GatewayError({ kind: 'invalid_request', status: 415, message: 'Unsupported Content-Type: send application/json' })
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 ? fe.statusCode : 500
  const message = status >= 500 ? 'Internal gateway error' : (fe.message ?? 'Bad request')
  return new GatewayError({ kind: kindForStatus(status), status, message, cause: err })
}

async function errorHandlerPlugin (fastify: FastifyInstance): Promise<void> {
  const renderers = new Map<Protocol, SurfaceEntry>()
  fastify.decorate('gatewaySurfaces', renderers)

  function render (request: FastifyRequest, err: GatewayError): RenderedError {
    const renderer = renderers.get(detectProtocol(request)) ?? renderers.get('openai')
    if (renderer !== undefined) return renderer.renderError(err)
    return { status: err.status, headers: {}, body: { error: { message: err.message, type: err.kind } } }
  }
  fastify.decorate('renderGatewayError', render)

  function send (request: FastifyRequest, reply: FastifyReply, err: GatewayError): FastifyReply {
    const rendered = render(request, err)
    // Anthropic error bodies carry a request id; without the upstream's, the gateway's own is the useful one.
    const body = rendered.body
    if (typeof body === 'object' && body !== null && 'request_id' in body && (body as { request_id: unknown }).request_id === null) {
      (body as { request_id: unknown }).request_id = request.id
    }
    return reply.code(rendered.status).headers(rendered.headers).type('application/json').send(body)
  }

  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const err = toGatewayError(error)
    if (err.status >= 500 && !isGatewayError(error)) request.log.error({ err: error }, 'unhandled error')
    else request.log.info({ status: err.status, kind: err.kind, error: err.message }, 'request failed')
    return send(request, reply, err)
  })

  fastify.setNotFoundHandler((request, reply) => {
    return send(request, reply, new GatewayError({ kind: 'not_found', status: 404, message: `Unknown route ${request.method} ${request.url.split('?')[0] ?? ''}` }))
  })
}

export default fp(errorHandlerPlugin, { name: 'switchboard-errors', fastify: '5.x' })
