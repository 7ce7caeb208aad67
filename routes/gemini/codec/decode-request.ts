import type { ChatRequest, TextPart } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import type { GeminiGenerateRequest, GeminiSystemInstruction } from '../../../schemas/gemini/generate-request.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { decodeContents } from './decode-contents.js'
import { decodeTools } from './decode-tools.js'
import { decodeGenerationConfig } from './decode-config.js'

export interface DecodeGeminiOptions {
  /** true for `:streamGenerateContent` (the URL says so, not the client's body); default `body.stream`. */
  stream?: boolean
}

/** Top-level keys the decoder maps; any other key travels in `extras.gemini` verbatim. */
const MAPPED = new Set(['model', 'stream', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig'])

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
export function bareModelName (model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model
}

/**
 * A generateContent body → canonical request. The model comes from the URL (`models/{model}:generateContent`),
 * so the route passes it here. What has no canonical form (safetySettings, cachedContent, built-in tools,
 * responseModalities, …) is kept in `extras.gemini` as a partial Gemini body the Gemini provider merges back.
 */
export function decodeGeminiRequest (body: GeminiGenerateRequest, model: string, ctx: TranslateContext, opts: DecodeGeminiOptions = {}): ChatRequest {
  const modelId = bareModelName(model)
  if (modelId === '') throw invalidRequest('model is required (it is the {model} in models/{model}:generateContent)', 'model')
  const req: ChatRequest = {
    model: modelId,
    system: decodeSystem(body.systemInstruction),
    messages: decodeContents(body.contents, ctx),
    stream: opts.stream ?? body.stream ?? false
  }
  const extras: Record<string, unknown> = {}
  const tools = decodeTools(body.tools, body.toolConfig)
  if (tools.tools !== undefined) req.tools = tools.tools
  if (tools.toolChoice !== undefined) req.toolChoice = tools.toolChoice
  Object.assign(extras, tools.extras)
  const config = decodeGenerationConfig(body.generationConfig)
  Object.assign(req, config.fields)
  if (Object.keys(config.extra).length > 0) extras.generationConfig = config.extra
  for (const [key, value] of Object.entries(body)) if (!MAPPED.has(key) && value !== undefined) extras[key] = value
  if (Object.keys(extras).length > 0) req.extras = { gemini: extras }
  return req
}

function decodeSystem (instruction: GeminiSystemInstruction | undefined): TextPart[] {
  if (instruction === undefined) return []
  if (typeof instruction === 'string') return instruction === '' ? [] : [{ type: 'text', text: instruction }]
  return instruction.parts.map((part, j): TextPart => {
    if (part.text === undefined) throw invalidRequest('systemInstruction supports text parts only', `systemInstruction.parts[${j}]`)
    return { type: 'text', text: part.text }
  })
}
