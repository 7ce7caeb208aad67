import type { ProtocolReader } from '../../routes/surface-codec.js'
import { fromGeminiResponse } from './response.js'
import { createGeminiStreamDecoder } from './stream.js'

/** Reads what a Gemini upstream returned (passthrough prompt log and usage) with the provider's own decoders. */
export const geminiReader: ProtocolReader = {
  protocol: 'gemini',
  decodeResponse: fromGeminiResponse,
  createStreamDecoder: createGeminiStreamDecoder
}
