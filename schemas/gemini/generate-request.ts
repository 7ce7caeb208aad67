import { Type, type Static } from '@sinclair/typebox'
import { GeminiContent, GeminiSystemInstruction } from './content.js'

export * from './content.js'

/**
 * `POST /v1beta/models/{model}:generateContent` (and `:streamGenerateContent`) request body. The model is part of
 * the URL; the route copies it into `model` before validation so the codec can read it (FORMATS.md §4).
 * Every object lets unknown fields through.
 */

export const GeminiFunctionDeclaration = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  /** OpenAPI-subset schema (upper- or lower-case types, `nullable`). */
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** Raw JSON Schema (v1beta); never together with `parameters`. */
  parametersJsonSchema: Type.Optional(Type.Unknown()),
  response: Type.Optional(Type.Unknown()),
  responseJsonSchema: Type.Optional(Type.Unknown()),
  behavior: Type.Optional(Type.String())
})
export type GeminiFunctionDeclaration = Static<typeof GeminiFunctionDeclaration>

/** One tool entry: function declarations and/or a built-in (googleSearch, codeExecution, urlContext, …). */
export const GeminiTool = Type.Object({
  functionDeclarations: Type.Optional(Type.Array(GeminiFunctionDeclaration)),
  googleSearch: Type.Optional(Type.Unknown()),
  googleSearchRetrieval: Type.Optional(Type.Unknown()),
  codeExecution: Type.Optional(Type.Unknown()),
  urlContext: Type.Optional(Type.Unknown()),
  fileSearch: Type.Optional(Type.Unknown()),
  googleMaps: Type.Optional(Type.Unknown()),
  computerUse: Type.Optional(Type.Unknown()),
  retrieval: Type.Optional(Type.Unknown())
})
export type GeminiTool = Static<typeof GeminiTool>

export const GeminiFunctionCallingMode = Type.Union([
  Type.Literal('AUTO'), Type.Literal('ANY'), Type.Literal('NONE'), Type.Literal('VALIDATED'),
  Type.Literal('MODE_UNSPECIFIED')
])
export type GeminiFunctionCallingMode = Static<typeof GeminiFunctionCallingMode>

export const GeminiToolConfig = Type.Object({
  functionCallingConfig: Type.Optional(Type.Object({
    mode: Type.Optional(GeminiFunctionCallingMode),
    allowedFunctionNames: Type.Optional(Type.Array(Type.String()))
  })),
  retrievalConfig: Type.Optional(Type.Unknown())
})
export type GeminiToolConfig = Static<typeof GeminiToolConfig>

export const GeminiSafetySetting = Type.Object({
  category: Type.String(),
  threshold: Type.String(),
  method: Type.Optional(Type.String())
})
export type GeminiSafetySetting = Static<typeof GeminiSafetySetting>

export const GeminiThinkingConfig = Type.Object({
  /** 0 = off where allowed, -1 = dynamic. */
  thinkingBudget: Type.Optional(Type.Integer({ minimum: -1 })),
  includeThoughts: Type.Optional(Type.Boolean()),
  /** Gemini 3: MINIMAL | LOW | MEDIUM | HIGH (any case). Not together with a budget. */
  thinkingLevel: Type.Optional(Type.String())
})
export type GeminiThinkingConfig = Static<typeof GeminiThinkingConfig>

export const GeminiGenerationConfig = Type.Object({
  temperature: Type.Optional(Type.Number()),
  topP: Type.Optional(Type.Number()),
  topK: Type.Optional(Type.Number()),
  maxOutputTokens: Type.Optional(Type.Integer({ minimum: 1 })),
  stopSequences: Type.Optional(Type.Array(Type.String())),
  candidateCount: Type.Optional(Type.Integer({ minimum: 1 })),
  responseMimeType: Type.Optional(Type.String()),
  responseSchema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  responseJsonSchema: Type.Optional(Type.Unknown()),
  presencePenalty: Type.Optional(Type.Number()),
  frequencyPenalty: Type.Optional(Type.Number()),
  seed: Type.Optional(Type.Integer()),
  responseModalities: Type.Optional(Type.Array(Type.String())),
  thinkingConfig: Type.Optional(GeminiThinkingConfig)
})
export type GeminiGenerationConfig = Static<typeof GeminiGenerationConfig>

export const GeminiGenerateRequest = Type.Object({
  /** Set by the route from the URL (`models/{model}`); clients do not send it. */
  model: Type.Optional(Type.String()),
  /** Set by the route (`:streamGenerateContent`); clients do not send it. */
  stream: Type.Optional(Type.Boolean()),
  contents: Type.Array(GeminiContent),
  systemInstruction: Type.Optional(GeminiSystemInstruction),
  tools: Type.Optional(Type.Array(GeminiTool)),
  toolConfig: Type.Optional(GeminiToolConfig),
  safetySettings: Type.Optional(Type.Array(GeminiSafetySetting)),
  generationConfig: Type.Optional(GeminiGenerationConfig),
  cachedContent: Type.Optional(Type.String())
})
export type GeminiGenerateRequest = Static<typeof GeminiGenerateRequest>

/**
 * `POST /v1beta/models/{model}:countTokens`: either bare `contents` or a whole `generateContentRequest`
 * (which carries its own `model: "models/x"`).
 */
export const GeminiCountTokensRequest = Type.Object({
  model: Type.Optional(Type.String()),
  contents: Type.Optional(Type.Array(GeminiContent)),
  generateContentRequest: Type.Optional(GeminiGenerateRequest)
})
export type GeminiCountTokensRequest = Static<typeof GeminiCountTokensRequest>
