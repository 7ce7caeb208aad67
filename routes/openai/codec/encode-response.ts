import type { AssistantPart, ChatRequest, ChatResponse, FinishReason } from '../../../schemas/canonical.js'
import { toOpenAIFinishReason, type OpenAIFinishReason } from '../../../schemas/openai/finish-reason.js'
import { readOpenAIHints } from '../../../schemas/openai/hints.js'
import { toOpenAIUsage } from '../../../schemas/openai/usage.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'

/** Response fields an OpenAI upstream returned that the surface gives back as they were (from response extras). */
const ECHOED_FIELDS = ['service_tier', 'system_fingerprint'] as const

/** Every completion id starts with chatcmpl-; a foreign upstream id is kept after the prefix for tracing. */
export function completionId (upstreamId: string, ctx: TranslateContext): string {
  if (upstreamId === '') return ctx.id('chatcmpl-')
  return upstreamId.startsWith('chatcmpl-') ? upstreamId : `chatcmpl-${upstreamId}`
}

export function finishReasonFor (reason: FinishReason, legacy: boolean): OpenAIFinishReason {
  const mapped = toOpenAIFinishReason(reason)
  return legacy && mapped === 'tool_calls' ? 'function_call' : mapped
}

/**
 * One choice's message. Text parts are concatenated; reasoning goes to the de-facto `reasoning_content` field
 * (signatures and redacted reasoning have no OpenAI form and are dropped; so are assistant images). Legacy clients
 * get their first call as `function_call` (that API has one call per turn).
 */
function messageFor (content: readonly AssistantPart[], legacy: boolean): Record<string, unknown> {
  let text: string | undefined
  let reasoning = ''
  const calls: Array<{ id: string, type: 'function', function: { name: string, arguments: string } }> = []
  for (const part of content) {
    if (part.type === 'text') text = (text ?? '') + part.text
    else if (part.type === 'reasoning') reasoning += part.text
    else if (part.type === 'tool_call') calls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } })
  }
  const message: Record<string, unknown> = { role: 'assistant', content: text ?? (calls.length > 0 ? null : ''), refusal: null }
  if (reasoning !== '') message.reasoning_content = reasoning
  const first = calls[0]
  if (legacy && first !== undefined) message.function_call = first.function
  else if (calls.length > 0) message.tool_calls = calls
  return message
}

function choiceFor (index: number, content: readonly AssistantPart[], reason: FinishReason, legacy: boolean): Record<string, unknown> {
  return { index, message: messageFor(content, legacy), logprobs: null, finish_reason: finishReasonFor(reason, legacy) }
}

/** Canonical response → `chat.completion` (FORMATS.md §1); extra choices (n > 1) follow with index 1, 2, … */
export function encodeOpenAIChatResponse (res: ChatResponse, req: ChatRequest, ctx: TranslateContext): Record<string, unknown> {
  const legacy = readOpenAIHints(req.extras).legacyFunctions === true
  const choices = [choiceFor(0, res.content, res.finishReason, legacy)]
  res.choices?.forEach((c, i) => choices.push(choiceFor(i + 1, c.content, c.finishReason, legacy)))
  const body: Record<string, unknown> = {
    id: completionId(res.id, ctx),
    object: 'chat.completion',
    created: res.created,
    model: res.model === '' ? req.model : res.model,
    choices,
    usage: toOpenAIUsage(res.usage)
  }
  const echoed = res.extras?.openai
  for (const field of ECHOED_FIELDS) if (echoed?.[field] !== undefined) body[field] = echoed[field]
  return body
}
