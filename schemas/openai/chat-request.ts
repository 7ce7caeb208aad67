import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * POST /v1/chat/completions request body (FORMATS.md §1).
 *
 * Deliberately permissive: unknown fields pass through (OpenAI-compatible upstreams accept vendor extensions), most
 * optional fields accept `null` (SDKs and hand-written clients send it for "unset"), and each message is one
 * object whose role-specific fields are all optional. The decoder checks per-role requirements and names the field,
 * which gives clearer errors than a validator's anyOf of message shapes.
 */

const open = { additionalProperties: true } as const

/** Optional and nullable: `null` means "not set". */
function Nullable<T extends TSchema> (schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]))
}

const JsonObject = Type.Record(Type.String(), Type.Unknown())

export const OpenAIImageUrl = Type.Object({
  /** http(s) URL or `data:<mime>;base64,…` */
  url: Type.String(),
  detail: Type.Optional(Type.String())
}, open)

export const OpenAIInputAudio = Type.Object({
  /** base64 */
  data: Type.String(),
  format: Type.String()
}, open)

export const OpenAIFileRef = Type.Object({
  /** `data:application/pdf;base64,…` (raw base64 is tolerated) */
  file_data: Nullable(Type.String()),
  file_id: Nullable(Type.String()),
  filename: Nullable(Type.String())
}, open)

/** One content part: text | refusal | image_url | input_audio | file (the decoder enforces per-type fields). */
export const OpenAIContentPart = Type.Object({
  type: Type.String(),
  text: Type.Optional(Type.String()),
  refusal: Type.Optional(Type.String()),
  image_url: Type.Optional(OpenAIImageUrl),
  input_audio: Type.Optional(OpenAIInputAudio),
  file: Type.Optional(OpenAIFileRef)
}, open)
export type OpenAIContentPart = Static<typeof OpenAIContentPart>

/** Arguments are a JSON string on the wire; some clients send the object itself, which is tolerated. */
const FunctionCallArguments = Type.Union([Type.String(), JsonObject])

export const OpenAIToolCall = Type.Object({
  id: Type.String(),
  type: Type.Optional(Type.String()),
  function: Type.Optional(Type.Object({ name: Type.String(), arguments: FunctionCallArguments }, open)),
  /** `{type:"custom"}` calls (free-text input) */
  custom: Type.Optional(Type.Object({ name: Type.String(), input: Type.String() }, open))
}, open)
export type OpenAIToolCall = Static<typeof OpenAIToolCall>

export const OpenAIMessageRole = Type.Union([
  Type.Literal('system'), Type.Literal('developer'), Type.Literal('user'),
  Type.Literal('assistant'), Type.Literal('tool'), Type.Literal('function')
])

export const OpenAIMessage = Type.Object({
  role: OpenAIMessageRole,
  content: Type.Optional(Type.Union([Type.String(), Type.Array(OpenAIContentPart), Type.Null()])),
  name: Nullable(Type.String()),
  /** assistant */
  tool_calls: Nullable(Type.Array(OpenAIToolCall)),
  refusal: Nullable(Type.String()),
  function_call: Nullable(Type.Object({ name: Type.String(), arguments: FunctionCallArguments }, open)),
  /** Previous audio response reference (assistant). */
  audio: Nullable(Type.Object({ id: Type.String() }, open)),
  /** De-facto reasoning extension (DeepSeek, vLLM, OpenRouter). */
  reasoning_content: Nullable(Type.String()),
  /** tool */
  tool_call_id: Nullable(Type.String())
}, open)
export type OpenAIMessage = Static<typeof OpenAIMessage>

export const OpenAITool = Type.Object({
  type: Type.String(),
  function: Type.Optional(Type.Object({
    name: Type.String(),
    description: Nullable(Type.String()),
    parameters: Nullable(JsonObject),
    strict: Nullable(Type.Boolean())
  }, open)),
  custom: Type.Optional(Type.Object({ name: Type.String() }, open))
}, open)
export type OpenAITool = Static<typeof OpenAITool>

export const OpenAIToolChoice = Type.Union([
  Type.Literal('none'), Type.Literal('auto'), Type.Literal('required'),
  Type.Object({
    type: Type.String(),
    function: Type.Optional(Type.Object({ name: Type.String() }, open)),
    custom: Type.Optional(Type.Object({ name: Type.String() }, open)),
    allowed_tools: Type.Optional(Type.Object({ mode: Type.String(), tools: Type.Array(JsonObject) }, open))
  }, open)
])
export type OpenAIToolChoice = Static<typeof OpenAIToolChoice>

export const OpenAIResponseFormat = Type.Object({
  type: Type.Union([Type.Literal('text'), Type.Literal('json_object'), Type.Literal('json_schema')]),
  json_schema: Type.Optional(Type.Object({
    name: Type.String(),
    description: Nullable(Type.String()),
    schema: Nullable(JsonObject),
    strict: Nullable(Type.Boolean())
  }, open))
}, open)
export type OpenAIResponseFormat = Static<typeof OpenAIResponseFormat>

/** Legacy `functions[]` entry. */
export const OpenAIFunctionDefinition = Type.Object({
  name: Type.String(),
  description: Nullable(Type.String()),
  parameters: Nullable(JsonObject)
}, open)

export const OpenAIReasoningEffort = Type.Union([
  Type.Literal('none'), Type.Literal('minimal'), Type.Literal('low'), Type.Literal('medium'),
  Type.Literal('high'), Type.Literal('xhigh'), Type.Literal('max')
])

export const OpenAIChatRequest = Type.Object({
  model: Type.String(),
  messages: Type.Array(OpenAIMessage),
  tools: Nullable(Type.Array(OpenAITool)),
  tool_choice: Nullable(OpenAIToolChoice),
  parallel_tool_calls: Nullable(Type.Boolean()),
  response_format: Nullable(OpenAIResponseFormat),
  stream: Nullable(Type.Boolean()),
  stream_options: Nullable(Type.Object({
    include_usage: Nullable(Type.Boolean()),
    include_obfuscation: Nullable(Type.Boolean())
  }, open)),
  max_tokens: Nullable(Type.Integer({ minimum: 0 })),
  max_completion_tokens: Nullable(Type.Integer({ minimum: 0 })),
  reasoning_effort: Nullable(OpenAIReasoningEffort),
  n: Nullable(Type.Integer({ minimum: 1 })),
  stop: Nullable(Type.Union([Type.String(), Type.Array(Type.String())])),
  temperature: Nullable(Type.Number()),
  top_p: Nullable(Type.Number()),
  seed: Nullable(Type.Integer()),
  user: Nullable(Type.String()),
  safety_identifier: Nullable(Type.String()),
  prompt_cache_key: Nullable(Type.String()),
  frequency_penalty: Nullable(Type.Number()),
  presence_penalty: Nullable(Type.Number()),
  logprobs: Nullable(Type.Boolean()),
  top_logprobs: Nullable(Type.Integer({ minimum: 0 })),
  logit_bias: Nullable(Type.Record(Type.String(), Type.Number())),
  metadata: Nullable(Type.Record(Type.String(), Type.String())),
  store: Nullable(Type.Boolean()),
  service_tier: Nullable(Type.String()),
  modalities: Nullable(Type.Array(Type.String())),
  audio: Nullable(Type.Object({ voice: Type.Unknown(), format: Type.String() }, open)),
  prediction: Nullable(Type.Object({
    type: Type.String(),
    content: Type.Union([Type.String(), Type.Array(OpenAIContentPart)])
  }, open)),
  verbosity: Nullable(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])),
  web_search_options: Nullable(JsonObject),
  /** Legacy function calling (pre-tools). */
  functions: Nullable(Type.Array(OpenAIFunctionDefinition)),
  function_call: Nullable(Type.Union([Type.Literal('none'), Type.Literal('auto'), Type.Object({ name: Type.String() }, open)]))
}, open)
export type OpenAIChatRequest = Static<typeof OpenAIChatRequest>
