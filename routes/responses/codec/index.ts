import { ResponsesRequest } from '../../../schemas/openai/responses-request.js'
import { compileBodyCheck } from '../../../plugins/body-check.js'
import { routeOfBody, type SurfaceCodec } from '../../surface-codec.js'
import { decodeResponsesRequest } from './decode-request.js'
import { encodeResponsesResponse } from './encode-response.js'
import { renderResponsesError } from './errors.js'
import { createResponsesStreamEncoder } from './stream-encoder.js'

export { prependHistory, toStoredConversation } from './history.js'
export { createResponsesStreamEncoder, type ResponsesStreamEncoder } from './stream-encoder.js'

/** The OpenAI Responses surface (`POST /v1/responses`). */
export const responsesCodec: SurfaceCodec<ResponsesRequest> = {
  protocol: 'responses',
  routeOf: routeOfBody,
  checkRequest: compileBodyCheck(ResponsesRequest),
  decodeRequest: decodeResponsesRequest,
  encodeResponse: encodeResponsesResponse,
  createStreamEncoder: createResponsesStreamEncoder,
  renderError: renderResponsesError,
  editSystem (body, edit) {
    const current = typeof body.instructions === 'string' && body.instructions !== '' ? [{ type: 'text' as const, text: body.instructions }] : []
    const text = edit(current).map(p => p.text).join('\n\n')
    const { instructions: _old, ...rest } = body
    return text === '' ? rest : { ...rest, instructions: text }
  },
  withModel (body, model) {
    return { ...body, model }
  }
}
