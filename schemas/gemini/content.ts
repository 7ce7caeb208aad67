import { Type, type Static } from '@sinclair/typebox'

/**
 * Gemini `Content` and `Part` as clients send them (v1beta REST JSON). A part is one object whose data field is a
 * proto oneof flattened into JSON, so it is modelled as one object with every kind optional; the decoder picks the
 * kind present. Unknown fields pass through (a gateway must not reject what the upstream would accept).
 */

export const GeminiBlob = Type.Object({
  mimeType: Type.String(),
  /** base64 */
  data: Type.String(),
  displayName: Type.Optional(Type.String())
})
export type GeminiBlob = Static<typeof GeminiBlob>

export const GeminiFileData = Type.Object({
  fileUri: Type.String(),
  mimeType: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String())
})
export type GeminiFileData = Static<typeof GeminiFileData>

export const GeminiFunctionCall = Type.Object({
  id: Type.Optional(Type.String()),
  name: Type.String(),
  args: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
})
export type GeminiFunctionCall = Static<typeof GeminiFunctionCall>

export const GeminiFunctionResponse = Type.Object({
  id: Type.Optional(Type.String()),
  name: Type.String(),
  /** Must be a JSON object: `{output}`, `{error}`, or any object (then the whole object is the output). */
  response: Type.Record(Type.String(), Type.Unknown()),
  /** Gemini 3 multimodal function responses. */
  parts: Type.Optional(Type.Array(Type.Object({
    inlineData: Type.Optional(GeminiBlob),
    fileData: Type.Optional(GeminiFileData)
  }))),
  willContinue: Type.Optional(Type.Boolean()),
  scheduling: Type.Optional(Type.String())
})
export type GeminiFunctionResponse = Static<typeof GeminiFunctionResponse>

export const GeminiExecutableCode = Type.Object({
  language: Type.Optional(Type.String()),
  code: Type.String()
})

export const GeminiCodeExecutionResult = Type.Object({
  outcome: Type.Optional(Type.String()),
  output: Type.Optional(Type.String())
})

export const GeminiPart = Type.Object({
  text: Type.Optional(Type.String()),
  inlineData: Type.Optional(GeminiBlob),
  fileData: Type.Optional(GeminiFileData),
  functionCall: Type.Optional(GeminiFunctionCall),
  functionResponse: Type.Optional(GeminiFunctionResponse),
  executableCode: Type.Optional(GeminiExecutableCode),
  codeExecutionResult: Type.Optional(GeminiCodeExecutionResult),
  /** Marks a thought-summary text part. */
  thought: Type.Optional(Type.Boolean()),
  /** Opaque base64 signature of the part it sits on. */
  thoughtSignature: Type.Optional(Type.String())
})
export type GeminiPart = Static<typeof GeminiPart>

export const GeminiContent = Type.Object({
  /** Omitted role means `user` (single-turn requests). */
  role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('model')])),
  parts: Type.Array(GeminiPart)
})
export type GeminiContent = Static<typeof GeminiContent>

/** `systemInstruction` is a Content whose role is ignored (clients send none, "user" or "system"). */
export const GeminiSystemInstruction = Type.Union([
  Type.String(),
  Type.Object({
    role: Type.Optional(Type.String()),
    parts: Type.Array(GeminiPart)
  })
])
export type GeminiSystemInstruction = Static<typeof GeminiSystemInstruction>
