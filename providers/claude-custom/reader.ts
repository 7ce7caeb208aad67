import type { ProtocolReader } from '../../routes/surface-codec.js'
import { isRecord } from '../../schemas/json-text.js'
import { fromClaudeResponse, toUsage } from './response.js'
import { createClaudeStreamDecoder } from './stream.js'

/** Reads what an Anthropic upstream returned (passthrough prompt log and usage) with the provider's own decoders. */
export const anthropicReader: ProtocolReader = {
  protocol: 'anthropic',
  decodeResponse: fromClaudeResponse,
  usageKey: 'usage',
  decodeUsage: raw => isRecord(raw) ? toUsage(raw) : undefined,
  createStreamDecoder: createClaudeStreamDecoder
}
