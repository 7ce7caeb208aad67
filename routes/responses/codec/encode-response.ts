import type { ChatRequest, ChatResponse } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { outcomeFor, responseEnvelope, wantsEncrypted } from './envelope.js'
import { toOutputItems } from './output-items.js'

/**
 * ChatResponse → Response object. The id is always the gateway's own `resp_…`: it is the key the route stores the
 * conversation under for `previous_response_id`, so it must not be an upstream id the gateway never issued.
 */
export function encodeResponsesResponse (res: ChatResponse, req: ChatRequest, ctx: TranslateContext): Record<string, unknown> {
  const outcome = outcomeFor(res.finishReason)
  const output = toOutputItems(res.content, { ctx, encrypted: wantsEncrypted(req) }, outcome.status === 'incomplete')
  return responseEnvelope(req, {
    id: ctx.id('resp_'),
    createdAt: res.created,
    model: res.model === '' ? req.model : res.model,
    outcome,
    output,
    usage: res.usage
  })
}
