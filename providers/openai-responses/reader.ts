import type { ProtocolReader } from '../../routes/surface-codec.js'
import { fromResponsesResponse } from './response.js'
import { createResponsesStreamDecoder } from './stream.js'

/** Reads what an OpenAI-compatible Responses upstream returned (passthrough prompt log, usage). */
export const responsesReader: ProtocolReader = {
  protocol: 'responses',
  decodeResponse: fromResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder
}
