import type { Message } from '../../schemas/canonical.js'
import type { ClaudeBlockExtra } from '../../schemas/anthropic/extras.js'
import { restoreBlocks, toAssistantBlock, toUserBlock, type Block } from './request-blocks.js'

export interface ClaudeMessageOut {
  role: 'user' | 'assistant'
  content: Block[]
}

function convertMessage (msg: Message, i: number, extras: ClaudeBlockExtra[]): ClaudeMessageOut {
  const mine = extras.filter((e) => e.message === i)
  const outer = mine.filter((e) => e.inner === undefined)
  if (msg.role === 'assistant') {
    return { role: 'assistant', content: restoreBlocks(msg.content.map(toAssistantBlock), outer) }
  }
  const blocks = msg.content.map((part, k) =>
    toUserBlock(part, `messages[${i}].content[${k}]`, mine.filter((e) => e.part === k && e.inner !== undefined)))
  return { role: 'user', content: restoreBlocks(blocks, outer) }
}

/** Tool results must open their user message (FORMATS.md §3); the rest keeps its order. */
function resultsFirst (content: Block[]): Block[] {
  return [...content.filter((b) => b.type === 'tool_result'), ...content.filter((b) => b.type !== 'tool_result')]
}

/** Anthropic rejects a final assistant (prefill) message that ends in whitespace. */
function trimPrefill (messages: ClaudeMessageOut[]): void {
  const last = messages.at(-1)
  if (last?.role !== 'assistant') return
  const block = last.content.at(-1)
  if (block?.type !== 'text' || typeof block.text !== 'string') return
  const text = block.text.trimEnd()
  if (text === '') last.content.pop()
  else last.content[last.content.length - 1] = { ...block, text }
  if (last.content.length === 0) messages.pop()
}

/**
 * Canonical messages → Anthropic messages: blocks converted (and extras restored) per message, empty messages
 * dropped, adjacent same-role turns merged, tool results first in each user message.
 */
export function toClaudeMessages (messages: Message[], extras: ClaudeBlockExtra[]): ClaudeMessageOut[] {
  const out: ClaudeMessageOut[] = []
  messages.forEach((msg, i) => {
    const converted = convertMessage(msg, i, extras)
    if (converted.content.length === 0) return
    const prev = out.at(-1)
    if (prev !== undefined && prev.role === converted.role) prev.content = [...prev.content, ...converted.content]
    else out.push(converted)
  })
  for (const msg of out) if (msg.role === 'user') msg.content = resultsFirst(msg.content)
  trimPrefill(out)
  return out
}

/**
 * With thinking on, Anthropic requires the assistant turn of an unfinished tool loop to start with a thinking
 * block. When that turn came from another vendor (its reasoning was dropped), thinking must stay off.
 */
export function thinkingBreaksToolLoop (messages: ClaudeMessageOut[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const msg = messages[i]
    if (msg === undefined) continue
    if (msg.role === 'user') {
      if (!msg.content.some((b) => b.type === 'tool_result')) return false
      continue
    }
    if (!msg.content.some((b) => b.type === 'tool_use')) return false
    const first = msg.content[0]?.type
    return first !== 'thinking' && first !== 'redacted_thinking'
  }
  return false
}
