import type { ProtocolReader } from '../../routes/surface-codec.js'
import { fromClaudeResponse } from './response.js'
import { createClaudeStreamDecoder } from './stream.js'

/** Reads what an Anthropic upstream returned (passthrough prompt log and usage) with the provider's own decoders. */
export const anthropicReader: ProtocolReader = {
  protocol: 'anthropic',
  decodeResponse: fromClaudeResponse,
  createStreamDecoder: createClaudeStreamDecoder
}
