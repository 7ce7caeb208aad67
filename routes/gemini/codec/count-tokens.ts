import type { ChatRequest } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import type { GeminiCountTokensRequest } from '../../../schemas/gemini/generate-request.js'
import type { GeminiCountTokensResponse } from '../../../schemas/gemini/models.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { decodeGeminiRequest } from './decode-request.js'

/**
 * `:countTokens` body → canonical request (what would be sent), for a provider's countTokens or the gateway's
 * estimate. A `generateContentRequest` wins over bare `contents` (it also carries system and tools).
 */
export function decodeGeminiCountTokensRequest (body: GeminiCountTokensRequest, model: string, ctx: TranslateContext): ChatRequest {
  if (body.generateContentRequest !== undefined) return decodeGeminiRequest(body.generateContentRequest, model, ctx)
  if (body.contents === undefined) throw invalidRequest('contents or generateContentRequest is required', 'contents')
  return decodeGeminiRequest({ contents: body.contents }, model, ctx)
}

export function encodeGeminiCountTokensResponse (totalTokens: number, cachedContentTokenCount?: number): GeminiCountTokensResponse {
  return {
    totalTokens,
    ...(cachedContentTokenCount === undefined || cachedContentTokenCount === 0 ? {} : { cachedContentTokenCount })
  }
}
