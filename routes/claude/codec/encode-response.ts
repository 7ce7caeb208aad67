import type { ChatRequest, ChatResponse } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { readClaudeExtras } from '../../../schemas/anthropic/extras.js'
import { toStopReason, type ClaudeStopReason } from '../../../schemas/anthropic/stop-reasons.js'
import { toClaudeUsage, type ClaudeUsage } from '../../../schemas/anthropic/usage.js'
import { encodeAssistantPart, type ClaudeResponseBlock } from './encode-blocks.js'

export interface ClaudeMessage {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: ClaudeResponseBlock[]
  stop_reason: ClaudeStopReason
  stop_sequence: string | null
  usage: ClaudeUsage
}

/** Anthropic message ids start with msg_; an upstream's own id is kept when it already does. */
export function messageId (id: string, ctx: TranslateContext): string {
  return id.startsWith('msg_') ? id : ctx.id('msg_')
}

/**
 * Canonical response → Anthropic message JSON. Content keeps the canonical order (thinking, text and tool calls as
 * the model produced them); blocks an Anthropic upstream returned that have no canonical part go back in place.
 * Extra choices (OpenAI `n`) have no Anthropic form and are not rendered.
 */
export function encodeClaudeResponse (res: ChatResponse, req: ChatRequest, ctx: TranslateContext): ClaudeMessage {
  const content: ClaudeResponseBlock[] = []
  for (const part of res.content) {
    const block = encodeAssistantPart(part.type === 'tool_call' && part.id === '' ? { ...part, id: ctx.id('toolu_') } : part)
    if (block !== undefined) content.push(block)
  }
  const unmapped = readClaudeExtras(res.extras).content ?? []
  for (const { index, block } of [...unmapped].sort((a, b) => a.index - b.index)) {
    content.splice(Math.min(index, content.length), 0, block)
  }
  const { stopReason, stopSequence } = toStopReason(res.finishReason, res.stopSequence)
  return {
    id: messageId(res.id, ctx),
    type: 'message',
    role: 'assistant',
    model: res.model === '' ? req.model : res.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    usage: toClaudeUsage(res.usage)
  }
}
