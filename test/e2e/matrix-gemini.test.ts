import { ApiError, GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponse, type Part, type Schema } from '@google/genai'
import { runMatrix } from './matrix/run.js'
import { CLIENT_KEY, TOOLS, type Answer, type Ask, type SurfaceDriver } from './matrix/scenarios.js'

/**
 * The Gemini surface (`@google/genai` with httpOptions.baseUrl at the gateway: generateContent and
 * generateContentStream) × every provider.
 */

interface Turn { contents: Content[], parts: Part[] }

/** The whole answer, streamed or not: every part in order, the last finish reason and usage. */
interface Collected { parts: Part[], finishReason?: string, usage?: GenerateContentResponse['usageMetadata'] }

/** JSON Schema → the Gemini OpenAPI subset as genai users write it (upper-case types). */
function geminiSchema (schema: Record<string, unknown>): Schema {
  const out: Record<string, unknown> = { ...schema }
  if (typeof schema.type === 'string') out.type = schema.type.toUpperCase()
  if (typeof schema.properties === 'object' && schema.properties !== null) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, geminiSchema(v as Record<string, unknown>)]))
  }
  return out as Schema
}

function userContent (a: Ask): Content {
  const parts: Part[] = [{ text: a.prompt }]
  if (a.image !== undefined) parts.push({ inlineData: { mimeType: 'image/png', data: a.image } })
  return { role: 'user', parts }
}

function collect (res: GenerateContentResponse, into: Collected = { parts: [] }): Collected {
  const candidate = res.candidates?.[0]
  into.parts.push(...candidate?.content?.parts ?? [])
  if (candidate?.finishReason !== undefined) into.finishReason = candidate.finishReason
  if (res.usageMetadata !== undefined) into.usage = res.usageMetadata
  return into
}

function answer ({ parts, finishReason, usage }: Collected, contents: Content[]): Answer {
  const out: Answer = {
    text: '',
    reasoning: '',
    calls: [],
    // Gemini ends tool calls with STOP too.
    finish: finishReason === 'MAX_TOKENS' ? 'length' : parts.some(p => p.functionCall !== undefined) ? 'tool_calls' : finishReason === 'STOP' ? 'stop' : String(finishReason),
    ...(usage === undefined ? {} : { usage: { input: usage.promptTokenCount ?? 0, cached: usage.cachedContentTokenCount ?? 0, output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) } }),
    turn: { contents, parts } satisfies Turn
  }
  for (const part of parts) {
    if (part.functionCall !== undefined) out.calls.push({ ...(part.functionCall.id === undefined ? {} : { id: part.functionCall.id }), name: part.functionCall.name ?? '', args: part.functionCall.args })
    else if (part.thought === true) out.reasoning += part.text ?? ''
    else out.text += part.text ?? ''
  }
  return out
}

const driver: SurfaceDriver = {
  name: 'Gemini',
  protocol: 'gemini',
  carriesSignatures: true,
  connect (baseUrl, model) {
    const ai = new GoogleGenAI({ apiKey: CLIENT_KEY, httpOptions: { baseUrl } })
    const send = async (contents: Content[], a: Omit<Ask, 'prompt'>): Promise<Answer> => {
      const config: GenerateContentConfig = {
        ...(a.tools === true ? { tools: [{ functionDeclarations: TOOLS.map(f => ({ name: f.name, description: f.description, parameters: geminiSchema(f.parameters) })) }] } : {}),
        ...(a.reasoning === true ? { thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 } } : {}),
        ...a.extra
      }
      if (!a.stream) return answer(collect(await ai.models.generateContent({ model, contents, config })), contents)
      const all: Collected = { parts: [] }
      for await (const chunk of await ai.models.generateContentStream({ model, contents, config })) collect(chunk, all)
      return answer(all, contents)
    }
    return {
      ask: async a => await send([userContent(a)], a),
      async followUp (first, reply) {
        const turn = first.turn as Turn
        const next: Part[] = 'prompt' in reply
          ? [{ text: reply.prompt }]
          : first.calls.map(c => ({ functionResponse: { ...(c.id === undefined ? {} : { id: c.id }), name: c.name, response: { output: reply.results(c) } } }))
        return await send([...turn.contents, { role: 'model', parts: turn.parts }, { role: 'user', parts: next }], { stream: false, tools: true })
      },
      countTokens: async prompt => (await ai.models.countTokens({ model, contents: prompt })).totalTokens ?? 0,
      // genai exposes no response headers on ApiError.
      rateLimited: err => ({ ok: err instanceof ApiError && err.status === 429 })
    }
  },
  rawText: (model, stream, extra) => ({
    path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }], ...extra }
  })
}

runMatrix(driver)
