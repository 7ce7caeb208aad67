import type { SurfaceCodec } from '../../surface-codec.js'
import { GeminiGenerateRequest } from '../../../schemas/gemini/generate-request.js'
import { compileBodyCheck } from '../../../plugins/body-check.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { bareModelName, decodeGeminiRequest } from './decode-request.js'
import { encodeGeminiResponse } from './encode-response.js'
import { createGeminiStreamEncoder } from './stream-encoder.js'
import { renderGeminiError } from './render-error.js'
import { editGeminiSystem, withGeminiModel } from './passthrough.js'

/**
 * The Gemini surface codec. The model and the stream flag are in the URL, not the body: the route copies the
 * path's `{model}` into `body.model` and `stream: true|false` into `body.stream` before calling `decodeRequest`
 * (or calls `decodeGeminiRequest(body, model, ctx, { stream })` directly). Neither key reaches extras. For
 * passthrough, `withModel` strips both (Gemini bodies carry neither) and the route names the model in
 * `PassthroughRequest.operation`.
 */
export const geminiCodec: SurfaceCodec<GeminiGenerateRequest> = {
  protocol: 'gemini',
  routeOf: body => ({ model: bareModelName(body.model ?? ''), stream: body.stream === true }),
  checkRequest: compileBodyCheck(GeminiGenerateRequest),
  decodeRequest (body, ctx) {
    if (typeof body.model !== 'string' || body.model === '') {
      throw invalidRequest('model is required (the route sets it from models/{model})', 'model')
    }
    return decodeGeminiRequest(body, body.model, ctx)
  },
  encodeResponse (res) {
    return encodeGeminiResponse(res)
  },
  createStreamEncoder: createGeminiStreamEncoder,
  renderError: renderGeminiError,
  editSystem: editGeminiSystem,
  withModel: withGeminiModel
}

export { decodeGeminiRequest, bareModelName, type DecodeGeminiOptions } from './decode-request.js'
export { encodeGeminiResponse, encodeUsage } from './encode-response.js'
export { createGeminiStreamEncoder } from './stream-encoder.js'
export { renderGeminiError, geminiErrorBody } from './render-error.js'
export { editGeminiSystem, withGeminiModel } from './passthrough.js'
export { encodeGeminiModel, encodeGeminiModelList } from './models.js'
export { decodeGeminiCountTokensRequest, encodeGeminiCountTokensResponse } from './count-tokens.js'
