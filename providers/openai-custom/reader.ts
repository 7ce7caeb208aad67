import type { ProtocolReader } from '../../routes/surface-codec.js'
import { fromOpenAIUsage } from '../../schemas/openai/usage.js'
import { fromOpenAIChatResponse } from './response.js'
import { createOpenAIChatStreamDecoder } from './stream.js'

/** Reads what an OpenAI-compatible upstream returned (translated calls, and the passthrough prompt log). */
export const openaiChatReader: ProtocolReader = {
  protocol: 'openai',
  decodeResponse: fromOpenAIChatResponse,
  usageKey: 'usage',
  decodeUsage: fromOpenAIUsage,
  createStreamDecoder: createOpenAIChatStreamDecoder
}
