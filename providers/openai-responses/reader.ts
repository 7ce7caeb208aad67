import type { ProtocolReader } from '../../routes/surface-codec.js'
import { isRecord } from '../../schemas/json-text.js'
import { fromResponsesResponse, fromResponsesUsage } from './response.js'
import { createResponsesStreamDecoder } from './stream.js'

/** Reads what an OpenAI-compatible Responses upstream returned (passthrough prompt log, usage). */
export const responsesReader: ProtocolReader = {
  protocol: 'responses',
  decodeResponse: fromResponsesResponse,
  usageKey: 'usage',
  decodeUsage: raw => isRecord(raw) ? fromResponsesUsage(raw) : undefined,
  createStreamDecoder: createResponsesStreamDecoder
}
