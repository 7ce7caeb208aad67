import type { AssistantPart, ChatResponse, Usage } from '../../schemas/canonical.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import { toExtras, type ClaudeExtras } from '../../schemas/anthropic/extras.js'
import { toFinishReason } from '../../schemas/anthropic/stop-reasons.js'
import { fromClaudeUsage } from '../../schemas/anthropic/usage.js'
import { isRecord } from '../../schemas/json-text.js'
import { GatewayError } from '../../plugins/gateway-error.js'

function badResponse (detail: string): GatewayError {
  return new GatewayError({ kind: 'bad_gateway', status: 502, message: `Anthropic returned an unexpected response: ${detail}`, code: 'upstream_bad_response' })
}

function str (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** One Anthropic response block → its canonical part, or undefined for blocks the canonical model cannot hold. */
export function fromClaudeBlock (block: Record<string, unknown>): AssistantPart | undefined {
  switch (block.type) {
    case 'text': return { type: 'text', text: str(block.text) }
    case 'thinking': {
      const signature = str(block.signature)
      return signature === ''
        ? { type: 'reasoning', text: str(block.thinking) }
        : { type: 'reasoning', text: str(block.thinking), signature, signatureSource: 'anthropic' }
    }
    case 'redacted_thinking': return { type: 'reasoning', text: '', redacted: str(block.data), signatureSource: 'anthropic' }
    case 'tool_use':
      return { type: 'tool_call', id: str(block.id), name: str(block.name), arguments: JSON.stringify(isRecord(block.input) ? block.input : {}) }
    default: return undefined
  }
}

export function toUsage (raw: unknown): Usage {
  const u = fromClaudeUsage(raw)
  const usage: Usage = { inputTokens: u.inputTokens ?? 0, outputTokens: u.outputTokens ?? 0 }
  if (u.cacheReadTokens !== undefined) usage.cacheReadTokens = u.cacheReadTokens
  if (u.cacheWriteTokens !== undefined) usage.cacheWriteTokens = u.cacheWriteTokens
  if (u.reasoningTokens !== undefined) usage.reasoningTokens = u.reasoningTokens
  return usage
}

/**
 * Anthropic message JSON → canonical response. Blocks without a canonical part (server tool use and results…)
 * are kept in extras.anthropic.content with their positions; citations on text blocks are not kept.
 */
export function fromClaudeResponse (body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isRecord(body)) throw badResponse('not a JSON object')
  if (!Array.isArray(body.content)) throw badResponse('no content array')
  const content: AssistantPart[] = []
  const unmapped: NonNullable<ClaudeExtras['content']> = []
  body.content.forEach((block: unknown, index) => {
    if (!isRecord(block)) return
    const part = fromClaudeBlock(block)
    if (part === undefined) unmapped.push({ index, block })
    else content.push(part)
  })
  const res: ChatResponse = {
    id: typeof body.id === 'string' && body.id !== '' ? body.id : ctx.id('msg_'),
    model: str(body.model),
    created: Math.floor(ctx.now() / 1000),
    content,
    finishReason: toFinishReason(body.stop_reason),
    usage: toUsage(body.usage)
  }
  if (typeof body.stop_sequence === 'string') res.stopSequence = body.stop_sequence
  const extras = toExtras(unmapped.length > 0 ? { content: unmapped } : {})
  if (extras !== undefined) res.extras = extras
  return res
}
