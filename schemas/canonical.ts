/**
 * The canonical chat model: the one shape every surface decodes to and every provider encodes from.
 *
 * It is a superset of the three protocols (OpenAI chat/Responses, Anthropic Messages, Gemini). Anything a codec
 * cannot express canonically goes in `extras`, keyed by the protocol it came from, so a same-protocol provider can
 * restore it and a different one can ignore it knowingly (docs/translation.md lists what is lost where).
 *
 * Conventions
 * - Tool results live in `user` messages as `tool_result` parts (Anthropic's shape); OpenAI `tool` messages and
 *   Gemini `functionResponse` parts decode to that.
 * - Tool-call arguments are always a JSON **string** (OpenAI's shape); object-based protocols parse/stringify.
 * - Usage `inputTokens` is the **total** prompt size, cache reads and writes included (OpenAI/Gemini semantics);
 *   the Anthropic codec subtracts the cache counts when it renders `input_tokens`.
 * - Reasoning carries the opaque signature of the protocol that produced it (`signatureSource`), so a codec never
 *   sends one vendor's signature to another.
 */

export type Protocol = 'openai' | 'responses' | 'anthropic' | 'gemini'

/** Which vendor produced an opaque reasoning signature. */
export type SignatureSource = 'anthropic' | 'gemini' | 'openai' | 'kiro'

export interface TextPart {
  type: 'text'
  text: string
  /** Anthropic prompt-caching marker, kept for Anthropic upstreams. */
  cacheControl?: Record<string, unknown>
}

export type MediaSource =
  | { kind: 'base64', mediaType: string, data: string }
  | { kind: 'url', url: string, mediaType?: string }
  /** A provider-hosted file reference (OpenAI file_id, Gemini Files API uri). */
  | { kind: 'file', fileId: string, mediaType?: string }

export interface ImagePart {
  type: 'image'
  source: MediaSource
  /** OpenAI `detail` hint. */
  detail?: 'auto' | 'low' | 'high'
  cacheControl?: Record<string, unknown>
}

export interface DocumentPart {
  type: 'document'
  /** PDFs and other files; `kind: 'text'` is a plain-text document (Anthropic `source.type: "text"`). */
  source: MediaSource | { kind: 'text', mediaType: string, data: string }
  filename?: string
  title?: string
  cacheControl?: Record<string, unknown>
}

export interface AudioPart {
  type: 'audio'
  /** base64 */
  data: string
  format: string
}

export interface ToolCallPart {
  type: 'tool_call'
  id: string
  name: string
  /** JSON text of the arguments object. */
  arguments: string
  /** Gemini 3 thought signature attached to a functionCall part. */
  signature?: string
  signatureSource?: SignatureSource
}

export type ToolResultContent = TextPart | ImagePart | DocumentPart

export interface ToolResultPart {
  type: 'tool_result'
  callId: string
  /** Filled by the decoder when the protocol has it, or recovered from the matching tool_call. */
  name?: string
  content: ToolResultContent[]
  isError?: boolean
}

export interface ReasoningPart {
  type: 'reasoning'
  text: string
  signature?: string
  signatureSource?: SignatureSource
  /** Anthropic redacted_thinking data (opaque). */
  redacted?: string
}

export type UserPart = TextPart | ImagePart | DocumentPart | AudioPart | ToolResultPart
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart | ImagePart
export type Part = UserPart | AssistantPart

export interface UserMessage { role: 'user', content: UserPart[] }
export interface AssistantMessage { role: 'assistant', content: AssistantPart[] }
export type Message = UserMessage | AssistantMessage

export interface ToolDefinition {
  name: string
  description?: string
  /** JSON Schema of the arguments object (unsanitized; each codec adapts it). */
  parameters: Record<string, unknown>
  strict?: boolean
  cacheControl?: Record<string, unknown>
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool', name: string }

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max'

export interface ReasoningConfig {
  /** Either an effort or an explicit budget; codecs convert with `reasoning-budget.ts`. */
  effort?: ReasoningEffort
  budgetTokens?: number
  /** Whether the client wants the reasoning text back (Gemini includeThoughts, Anthropic display). */
  includeThoughts?: boolean
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema', name?: string, schema: Record<string, unknown>, strict?: boolean, description?: string }

/** Fields a codec could not map canonically, per source protocol. Opaque to everyone else. */
export type Extras = Partial<Record<Protocol, Record<string, unknown>>>

export interface ChatRequest {
  model: string
  /** System text blocks in order (OpenAI system+developer, Anthropic system, Gemini systemInstruction). */
  system: TextPart[]
  messages: Message[]
  tools?: ToolDefinition[]
  toolChoice?: ToolChoice
  parallelToolCalls?: boolean
  maxTokens?: number
  temperature?: number
  topP?: number
  topK?: number
  stop?: string[]
  seed?: number
  presencePenalty?: number
  frequencyPenalty?: number
  /** OpenAI `n`: number of choices. Only OpenAI-compatible upstreams honour it. */
  n?: number
  reasoning?: ReasoningConfig
  responseFormat?: ResponseFormat
  stream: boolean
  /** OpenAI `stream_options.include_usage` (other surfaces always report usage). */
  includeUsage?: boolean
  /** End-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string
  metadata?: Record<string, string>
  extras?: Extras
}

export type FinishReason =
  | 'stop' // natural end
  | 'stop_sequence' // a stop string matched (see stopSequence)
  | 'length' // token cap
  | 'tool_calls'
  | 'content_filter'
  | 'pause' // Anthropic pause_turn
  | 'context_window' // Anthropic model_context_window_exceeded
  | 'error' // upstream says malformed/other failure

export interface Usage {
  /** Total prompt tokens, cache reads and writes included. */
  inputTokens: number
  /** Output tokens, reasoning included. */
  outputTokens: number
  cacheReadTokens?: number
  cacheWriteTokens?: number
  reasoningTokens?: number
  /** True when the counts are the gateway's estimate, not the upstream's. */
  estimated?: boolean
}

export interface ChatResponse {
  id: string
  model: string
  /** Unix seconds. */
  created: number
  content: AssistantPart[]
  finishReason: FinishReason
  stopSequence?: string
  usage: Usage
  /** Extra choices for OpenAI `n > 1` (index 1..n-1); the main choice is `content`. */
  choices?: Array<{ content: AssistantPart[], finishReason: FinishReason }>
  extras?: Extras
}

/**
 * Canonical stream events. Providers' stream decoders produce them; surfaces' encoders consume them.
 * Order guarantees a decoder must keep: one `start` first; `tool_call_start` before that call's deltas; at most
 * one `finish`, last (apart from a trailing `usage`). Encoders handle block boundaries (Anthropic's sequential
 * content blocks) themselves.
 */
export type StreamEvent =
  | { type: 'start', id: string, model: string, usage?: Partial<Usage> }
  | { type: 'text_delta', text: string }
  | { type: 'reasoning_delta', text: string }
  | { type: 'reasoning_signature', signature: string, source: SignatureSource }
  | { type: 'redacted_reasoning', data: string }
  /** `index` is the tool call's ordinal within this response (0, 1, …). */
  | { type: 'tool_call_start', index: number, id: string, name: string, signature?: string, signatureSource?: SignatureSource }
  | { type: 'tool_call_delta', index: number, arguments: string }
  | { type: 'usage', usage: Usage }
  | { type: 'finish', reason: FinishReason, stopSequence?: string, usage?: Usage }
  /** An error after the stream started; encoders render the protocol's in-stream error. */
  | { type: 'error', status: number, message: string, errorType?: string }

export interface ModelInfo {
  id: string
  /** Provider instance id that serves it. */
  provider: string
  displayName?: string
  created?: number
  ownedBy?: string
  inputTokenLimit?: number
  outputTokenLimit?: number
  thinking?: boolean
}
