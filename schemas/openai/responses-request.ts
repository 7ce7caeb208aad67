import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * The OpenAI Responses API request (`POST /v1/responses`, FORMATS.md §2).
 *
 * Unknown fields pass through everywhere: the API grows quickly and a gateway must not reject what the upstream
 * would accept. Input items and tools are validated twice on purpose: this schema accepts any object with a
 * string `type` (hosted tools, item kinds we do not translate), and the codec checks the item kinds it does
 * translate against the precise schemas below, so an error names the exact field (`input[2].call_id`).
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const ResponsesInputText = Type.Object({ type: Type.Literal('input_text'), text: Type.String() })
export type ResponsesInputText = Static<typeof ResponsesInputText>

export const ResponsesOutputText = Type.Object({ type: Type.Literal('output_text'), text: Type.String() })
export type ResponsesOutputText = Static<typeof ResponsesOutputText>

export const ResponsesRefusal = Type.Object({ type: Type.Literal('refusal'), refusal: Type.String() })
export type ResponsesRefusal = Static<typeof ResponsesRefusal>

export const ResponsesInputImage = Type.Object({
  type: Type.Literal('input_image'),
  image_url: Type.Optional(Nullable(Type.String())),
  file_id: Type.Optional(Nullable(Type.String())),
  detail: Type.Optional(Nullable(Type.String()))
})
export type ResponsesInputImage = Static<typeof ResponsesInputImage>

export const ResponsesInputFile = Type.Object({
  type: Type.Literal('input_file'),
  file_data: Type.Optional(Nullable(Type.String())),
  file_id: Type.Optional(Nullable(Type.String())),
  file_url: Type.Optional(Nullable(Type.String())),
  filename: Type.Optional(Nullable(Type.String()))
})
export type ResponsesInputFile = Static<typeof ResponsesInputFile>

export const ResponsesContentPart = Type.Union([
  ResponsesInputText, ResponsesOutputText, ResponsesRefusal, ResponsesInputImage, ResponsesInputFile
])
export type ResponsesContentPart = Static<typeof ResponsesContentPart>

/** A part of any other type: accepted by the schema, rejected by the codec with the field named. */
const OtherPart = Type.Object({ type: Type.String() })

/** Parts are checked one by one against ResponsesContentPart, so an unsupported part type is named as such. */
export const ResponsesMessageItem = Type.Object({
  type: Type.Optional(Type.Literal('message')),
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system'), Type.Literal('developer')]),
  content: Type.Union([Type.String(), Type.Array(OtherPart)])
})
export type ResponsesMessageItem = Static<typeof ResponsesMessageItem>

export const ResponsesFunctionCallItem = Type.Object({
  type: Type.Literal('function_call'),
  call_id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  arguments: Type.String(),
  id: Type.Optional(Nullable(Type.String()))
})
export type ResponsesFunctionCallItem = Static<typeof ResponsesFunctionCallItem>

export const ResponsesFunctionCallOutputItem = Type.Object({
  type: Type.Literal('function_call_output'),
  call_id: Type.String({ minLength: 1 }),
  /** A string, or input_text / input_image / input_file parts (checked one by one). */
  output: Type.Union([Type.String(), Type.Array(OtherPart)])
})
export type ResponsesFunctionCallOutputItem = Static<typeof ResponsesFunctionCallOutputItem>

export const ResponsesReasoningItem = Type.Object({
  type: Type.Literal('reasoning'),
  id: Type.Optional(Nullable(Type.String())),
  summary: Type.Optional(Nullable(Type.Array(Type.Object({ type: Type.Literal('summary_text'), text: Type.String() })))),
  content: Type.Optional(Nullable(Type.Array(Type.Object({ type: Type.Literal('reasoning_text'), text: Type.String() })))),
  encrypted_content: Type.Optional(Nullable(Type.String()))
})
export type ResponsesReasoningItem = Static<typeof ResponsesReasoningItem>

/**
 * Any item: a message (whose `type` may be omitted) or a typed item such as `function_call` or `item_reference`.
 * The precise members come first for the static type; the last member admits every typed item at run time.
 */
export const ResponsesInputItem = Type.Union([
  Type.Object({
    type: Type.Optional(Type.Literal('message')),
    role: Type.String(),
    content: Type.Union([Type.String(), Type.Array(OtherPart)])
  }),
  ResponsesFunctionCallItem,
  ResponsesFunctionCallOutputItem,
  ResponsesReasoningItem,
  Type.Object({ type: Type.String() })
])
export type ResponsesInputItem = Static<typeof ResponsesInputItem>

export const ResponsesFunctionTool = Type.Object({
  type: Type.Literal('function'),
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Nullable(Type.String())),
  parameters: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  strict: Type.Optional(Nullable(Type.Boolean()))
})
export type ResponsesFunctionTool = Static<typeof ResponsesFunctionTool>

/** Function tools (flat, unlike Chat Completions) and hosted tools (web_search, file_search, mcp, custom…). */
export const ResponsesTool = Type.Union([ResponsesFunctionTool, Type.Object({ type: Type.String() })])
export type ResponsesTool = Static<typeof ResponsesTool>

export const ResponsesToolChoice = Type.Union([
  Type.Literal('auto'), Type.Literal('none'), Type.Literal('required'),
  Type.Object({ type: Type.Literal('function'), name: Type.String() }),
  Type.Object({ type: Type.String() })
])
export type ResponsesToolChoice = Static<typeof ResponsesToolChoice>

export const ResponsesTextFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }),
  Type.Object({ type: Type.Literal('json_object') }),
  Type.Object({
    type: Type.Literal('json_schema'),
    name: Type.Optional(Type.String()),
    schema: Type.Record(Type.String(), Type.Unknown()),
    strict: Type.Optional(Nullable(Type.Boolean())),
    description: Type.Optional(Nullable(Type.String()))
  })
])
export type ResponsesTextFormat = Static<typeof ResponsesTextFormat>

export const ResponsesReasoningEffort = Type.Union([
  Type.Literal('none'), Type.Literal('minimal'), Type.Literal('low'), Type.Literal('medium'),
  Type.Literal('high'), Type.Literal('xhigh')
])
export type ResponsesReasoningEffort = Static<typeof ResponsesReasoningEffort>

export const ResponsesRequest = Type.Object({
  model: Type.String(),
  input: Type.Optional(Type.Union([Type.String(), Type.Array(ResponsesInputItem)])),
  instructions: Type.Optional(Nullable(Type.String())),
  tools: Type.Optional(Nullable(Type.Array(ResponsesTool))),
  tool_choice: Type.Optional(Nullable(ResponsesToolChoice)),
  max_output_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2 }))),
  top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
  reasoning: Type.Optional(Nullable(Type.Object({
    effort: Type.Optional(Nullable(ResponsesReasoningEffort)),
    summary: Type.Optional(Nullable(Type.Union([Type.Literal('auto'), Type.Literal('concise'), Type.Literal('detailed')])))
  }))),
  text: Type.Optional(Nullable(Type.Object({
    format: Type.Optional(Nullable(ResponsesTextFormat)),
    verbosity: Type.Optional(Nullable(Type.String()))
  }))),
  stream: Type.Optional(Nullable(Type.Boolean())),
  previous_response_id: Type.Optional(Nullable(Type.String())),
  store: Type.Optional(Nullable(Type.Boolean())),
  metadata: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
  parallel_tool_calls: Type.Optional(Nullable(Type.Boolean())),
  include: Type.Optional(Nullable(Type.Array(Type.String()))),
  truncation: Type.Optional(Nullable(Type.Union([Type.Literal('auto'), Type.Literal('disabled')]))),
  user: Type.Optional(Nullable(Type.String())),
  // Passed through to a Responses upstream as they are (see providers/openai-responses/request.ts).
  service_tier: Type.Optional(Nullable(Type.String())),
  prompt_cache_key: Type.Optional(Nullable(Type.String())),
  safety_identifier: Type.Optional(Nullable(Type.String())),
  top_logprobs: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  max_tool_calls: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  background: Type.Optional(Nullable(Type.Boolean()))
})
export type ResponsesRequest = Static<typeof ResponsesRequest>
