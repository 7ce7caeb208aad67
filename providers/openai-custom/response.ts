import type { AssistantPart, ChatResponse, FinishReason } from '../../schemas/canonical.js'
import { fromOpenAIFinishReason } from '../../schemas/openai/finish-reason.js'
import { fromOpenAIUsage } from '../../schemas/openai/usage.js'
import { isRecord } from '../../schemas/json-text.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { openaiErrorObject, openaiStreamErrorStatus } from './errors.js'

/** Response fields the OpenAI surface gives back unchanged (see encode-response.ts). */
const ECHOED_FIELDS = ['service_tier', 'system_fingerprint'] as const

function text (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function invalidResponse (detail: string): GatewayError {
  return new GatewayError({ kind: 'bad_gateway', status: 502, message: `The upstream returned an invalid chat completion: ${detail}`, code: 'upstream_invalid_response' })
}

/** Tool-call arguments as JSON text; some servers send the object itself, or nothing for a call without arguments. */
export function argumentsText (value: unknown): string {
  if (typeof value === 'string') return value === '' ? '{}' : value
  return isRecord(value) ? JSON.stringify(value) : '{}'
}

/** Message text: a string, or (some servers) an array of text parts. */
function contentText (value: unknown): string {
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) return ''
  return value.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('')
}

function decodeChoice (choice: Record<string, unknown>, ctx: TranslateContext): { content: AssistantPart[], finishReason: FinishReason } {
  const message = isRecord(choice.message) ? choice.message : {}
  const content: AssistantPart[] = []
  // `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter).
  const reasoning = text(message.reasoning_content) ?? text(message.reasoning)
  if (reasoning !== undefined && reasoning !== '') content.push({ type: 'reasoning', text: reasoning })
  const body = contentText(message.content)
  if (body !== '') content.push({ type: 'text', text: body })
  const refusal = text(message.refusal)
  if (refusal !== undefined && refusal !== '') content.push({ type: 'text', text: refusal })
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : []
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call.function)) continue
    const id = text(call.id)
    content.push({ type: 'tool_call', id: id === undefined || id === '' ? ctx.id('call_') : id, name: text(call.function.name) ?? '', arguments: argumentsText(call.function.arguments) })
  }
  if (isRecord(message.function_call)) {
    content.push({ type: 'tool_call', id: ctx.id('call_'), name: text(message.function_call.name) ?? '', arguments: argumentsText(message.function_call.arguments) })
  }
  let finishReason = fromOpenAIFinishReason(choice.finish_reason) ?? 'stop'
  // Several compatible servers say "stop" after tool calls; clients of other protocols need to know a call is due.
  if (finishReason === 'stop' && content.some((p) => p.type === 'tool_call')) finishReason = 'tool_calls'
  return { content, finishReason }
}

/** An upstream `chat.completion` body → canonical response; extra choices (n > 1) go to `choices`. */
export function fromOpenAIChatResponse (body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isRecord(body)) throw invalidResponse('not a JSON object')
  if (body.error !== undefined && body.error !== null) {
    // Some compatible servers answer 200 with an error body.
    const error = openaiErrorObject(body) ?? {}
    const status = openaiStreamErrorStatus(error)
    throw new GatewayError({
      kind: status === 429 ? 'rate_limit' : 'bad_gateway',
      status,
      message: text(error.message) ?? 'The upstream returned an error',
      upstream: { status: 200, body: JSON.stringify(body), protocol: 'openai' }
    })
  }
  if (!Array.isArray(body.choices)) throw invalidResponse('no choices')
  const choices = body.choices.filter(isRecord)
    .sort((a, b) => (typeof a.index === 'number' ? a.index : 0) - (typeof b.index === 'number' ? b.index : 0))
    .map((c) => decodeChoice(c, ctx))
  const first = choices[0]
  if (first === undefined) throw invalidResponse('no choices')
  const res: ChatResponse = {
    id: text(body.id) ?? ctx.id('chatcmpl-'),
    model: text(body.model) ?? '',
    created: typeof body.created === 'number' ? body.created : Math.floor(ctx.now() / 1000),
    content: first.content,
    finishReason: first.finishReason,
    usage: fromOpenAIUsage(body.usage) ?? { inputTokens: 0, outputTokens: 0 }
  }
  if (choices.length > 1) res.choices = choices.slice(1)
  const echoed: Record<string, unknown> = {}
  for (const field of ECHOED_FIELDS) if (typeof body[field] === 'string') echoed[field] = body[field]
  if (Object.keys(echoed).length > 0) res.extras = { openai: echoed }
  return res
}
