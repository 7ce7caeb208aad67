import type { ProtocolReader } from '../../routes/surface-codec.js'
import { fromGeminiUsage } from './narrow.js'
import { fromGeminiResponse } from './response.js'
import { createGeminiStreamDecoder } from './stream.js'

/** Reads what a Gemini upstream returned (passthrough prompt log and usage) with the provider's own decoders. */
export const geminiReader: ProtocolReader = {
  protocol: 'gemini',
  decodeResponse: fromGeminiResponse,
  usageKey: 'usageMetadata',
  decodeUsage: fromGeminiUsage,
  createStreamDecoder: createGeminiStreamDecoder
}
