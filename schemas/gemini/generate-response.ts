/**
 * The `GenerateContentResponse` shape the gateway writes (non-stream body and each stream chunk) and reads back
 * from Gemini upstreams. Written as plain types: encoders build these objects; upstream bodies are narrowed from
 * `unknown` by the provider's decoders, not trusted.
 */

export interface GeminiOutPart {
  text?: string
  thought?: boolean
  thoughtSignature?: string
  inlineData?: { mimeType: string, data: string }
  fileData?: { mimeType?: string, fileUri: string }
  functionCall?: { id?: string, name: string, args: Record<string, unknown> }
  /** Only in requests (user turns). */
  functionResponse?: { id?: string, name: string, response: Record<string, unknown> }
}

export interface GeminiCandidate {
  index: number
  content?: { role: 'model', parts: GeminiOutPart[] }
  finishReason?: string
  [key: string]: unknown
}

export interface GeminiUsageMetadata {
  promptTokenCount: number
  candidatesTokenCount?: number
  thoughtsTokenCount?: number
  cachedContentTokenCount?: number
  totalTokenCount: number
}

export interface GeminiGenerateResponse {
  candidates?: GeminiCandidate[]
  promptFeedback?: Record<string, unknown>
  usageMetadata?: GeminiUsageMetadata
  modelVersion?: string
  responseId?: string
  [key: string]: unknown
}

/** Google's error envelope (`google.rpc.Status` in JSON). */
export interface GeminiErrorBody {
  error: {
    code: number
    message: string
    status: string
    details?: Array<Record<string, unknown>>
  }
}

/**
 * What a Gemini response carries beyond the canonical model (grounding, citations, safety ratings, prompt
 * feedback), kept by the provider in `ChatResponse.extras.gemini` so the Gemini surface can put it back.
 */
export interface GeminiResponseExtras {
  /** Extra keys of `candidates[0]`. */
  candidate?: Record<string, unknown>
  /** Extra top-level keys (promptFeedback, …). */
  response?: Record<string, unknown>
}
