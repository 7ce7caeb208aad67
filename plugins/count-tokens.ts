import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ChatRequest } from '../schemas/canonical.js'
import { planTargets } from './router.js'
import { estimateInputTokens } from './token-estimate.js'
import { ClientAbortError } from './upstream-errors.js'

export interface TokenCount {
  tokens: number
  /** True when the gateway estimated (the provider has no count API). */
  estimated: boolean
}

/** Counts a request's input tokens with the routed provider's count API, or estimates with a real tokenizer. */
export async function countInputTokens (fastify: FastifyInstance, request: FastifyRequest, req: ChatRequest): Promise<TokenCount> {
  const target = (await planTargets(fastify, request, req.model)).targets[0]
  const edit = fastify.systemPromptEdit()
  const edited = edit === undefined ? req : { ...req, system: edit(req.system) }
  if (target?.provider.countTokens === undefined) return { tokens: estimateInputTokens(edited), estimated: true }
  const controller = new AbortController()
  request.raw.once('close', () => { if (!request.raw.complete) controller.abort(new ClientAbortError()) })
  const tokens = await target.provider.countTokens({ ...edited, model: target.model }, {
    signal: controller.signal,
    log: request.log,
    requestId: request.id,
    translate: fastify.gatewayTranslate,
    clientHeaders: {
      ...(typeof request.headers['anthropic-version'] === 'string' ? { 'anthropic-version': request.headers['anthropic-version'] } : {}),
      ...(typeof request.headers['anthropic-beta'] === 'string' ? { 'anthropic-beta': request.headers['anthropic-beta'] } : {})
    }
  })
  return { tokens, estimated: false }
}
