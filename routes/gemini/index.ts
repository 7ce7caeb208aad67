import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { GeminiCountTokensRequest, type GeminiGenerateRequest } from '../../schemas/gemini/generate-request.js'
import { handleChat } from '../../plugins/chat-pipeline.js'
import { countInputTokens } from '../../plugins/count-tokens.js'
import { compileBodyCheck, invalidField, type BodyCheck } from '../../plugins/body-check.js'
import { isRecord } from '../../schemas/json-text.js'
import { notFound } from '../../plugins/gateway-error.js'
import { collectModels } from '../models.js'
import { encodeGeminiModel, encodeGeminiModelList, geminiCodec } from './codec/index.js'

const checkCount: BodyCheck<GeminiCountTokensRequest> = compileBodyCheck(GeminiCountTokensRequest)

/** "gemini-2.5-flash:streamGenerateContent" → model and method (the colon form cannot be a route parameter). */
function parseTarget (raw: string): { model: string, method: string } {
  const decoded = decodeURIComponent(raw)
  const colon = decoded.lastIndexOf(':')
  if (colon <= 0) throw notFound(`Unknown Gemini method in "${decoded}": expected models/{model}:{method}`)
  return { model: decoded.slice(0, colon).replace(/^models\//, ''), method: decoded.slice(colon + 1) }
}

function pageQuery (query: Record<string, unknown>): { pageSize?: number, pageToken?: string } {
  const size = Number(query.pageSize)
  return {
    ...(Number.isInteger(size) && size > 0 ? { pageSize: Math.min(size, 1000) } : {}),
    ...(typeof query.pageToken === 'string' ? { pageToken: query.pageToken } : {})
  }
}

/** The Gemini API surface under /v1beta and /v1. Gemini providers get the passthrough path. */
const geminiRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.gatewaySurfaces.set('gemini', {
    protocol: 'gemini',
    renderError: err => geminiCodec.renderError(err),
    renderModelList: (models, query) => encodeGeminiModelList(models, pageQuery(query)),
    renderModel: encodeGeminiModel
  })
  const bodyLimit = fastify.gatewayConfig.BODY_LIMIT

  async function generate (request: FastifyRequest, reply: FastifyReply, model: string, stream: boolean): Promise<FastifyReply> {
    // The full schema is checked when the request is translated; a passthrough body is the upstream's to judge.
    if (!isRecord(request.body)) throw invalidField('body', 'Expected object')
    const query = request.query as Record<string, unknown>
    const sse = query.alt === 'sse'
    const body = { ...(request.body as GeminiGenerateRequest), model, stream }
    return await handleChat(fastify, request, reply, {
      codec: geminiCodec,
      body,
      framing: stream && !sse ? 'json-array' : 'sse',
      passthroughOperation: (upstreamModel, isStream) => isStream
        ? `/models/${encodeURIComponent(upstreamModel)}:streamGenerateContent${sse ? '?alt=sse' : ''}`
        : `/models/${encodeURIComponent(upstreamModel)}:generateContent`
    })
  }

  async function countTokens (request: FastifyRequest, model: string): Promise<Record<string, unknown>> {
    const body = request.body
    checkCount(body)
    const inner = (body.generateContentRequest ?? { contents: body.contents ?? [] }) as GeminiGenerateRequest
    const canonical = geminiCodec.decodeRequest({ ...inner, model, stream: false }, fastify.gatewayTranslate)
    const count = await countInputTokens(fastify, request, canonical)
    return { totalTokens: count.tokens }
  }

  for (const version of ['/v1beta', '/v1']) {
    fastify.post(`${version}/models/*`, { config: { protocol: 'gemini' }, bodyLimit }, async (request, reply) => {
      const { model, method } = parseTarget((request.params as Record<string, string>)['*'] ?? '')
      switch (method) {
        case 'generateContent': return await generate(request, reply, model, false)
        case 'streamGenerateContent': return await generate(request, reply, model, true)
        case 'countTokens': return await countTokens(request, model)
        default: throw notFound(`Unsupported Gemini method "${method}"`)
      }
    })
  }

  fastify.get('/v1beta/models', { config: { protocol: 'gemini' } }, async (request) =>
    encodeGeminiModelList(await collectModels(fastify, request), pageQuery(request.query as Record<string, unknown>)))

  fastify.get<{ Params: { model: string } }>('/v1beta/models/:model', { config: { protocol: 'gemini' } }, async (request) => {
    const id = decodeURIComponent(request.params.model).replace(/^models\//, '')
    const model = (await collectModels(fastify, request)).find(m => m.id === id)
    if (model === undefined) throw notFound(`models/${id} is not found or is not served by the configured providers`)
    return encodeGeminiModel(model)
  })
}

export default geminiRoutes
