import type { ChatRequest, ReasoningConfig, ReasoningEffort, TextPart } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import type {
  ClaudeCountTokensRequest, ClaudeMessagesRequest, ClaudeOutputConfig, ClaudeThinkingConfig
} from '../../../schemas/anthropic/messages-request.js'
import type { ClaudeTextBlock } from '../../../schemas/anthropic/content-blocks.js'
import { leftoverFields, toExtras, type ClaudeBlockExtra, type ClaudeExtras } from '../../../schemas/anthropic/extras.js'
import { decodeText } from './decode-content.js'
import { decodeMessage } from './decode-messages.js'
import { decodeToolChoice, decodeTools } from './decode-tools.js'

const TOP_LEVEL_FIELDS = [
  'model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_config', 'metadata', 'stop_sequences',
  'temperature', 'top_p', 'top_k', 'max_tokens', 'stream'
]

/** The system field as canonical text blocks (cache_control kept). */
export function decodeSystem (system: string | ClaudeTextBlock[] | undefined): TextPart[] {
  if (system === undefined || system === '') return []
  return typeof system === 'string' ? [{ type: 'text', text: system }] : system.map(decodeText)
}

function includeThoughts (thinking: ClaudeThinkingConfig): boolean | undefined {
  const display = 'display' in thinking ? thinking.display : undefined
  if (display === 'omitted') return false
  if (display === 'summarized') return true
  return undefined
}

/**
 * thinking + output_config.effort → canonical reasoning. `enabled` gives a budget, `disabled` the effort none,
 * `adaptive` the effort output_config names (high by default). Newer modes only travel in extras.
 */
function decodeReasoning (thinking: ClaudeThinkingConfig | undefined, effort: ReasoningEffort | undefined): ReasoningConfig | undefined {
  let out: ReasoningConfig | undefined
  if (thinking?.type === 'enabled' && 'budget_tokens' in thinking) out = { budgetTokens: thinking.budget_tokens }
  else if (thinking?.type === 'disabled') out = { effort: 'none' }
  // Adaptive thinking runs at effort high unless output_config says otherwise (Anthropic's default).
  else if (thinking?.type === 'adaptive') out = { effort: 'high' }
  if (effort !== undefined && thinking?.type !== 'disabled') out = { ...out, effort }
  const thoughts = thinking === undefined ? undefined : includeThoughts(thinking)
  if (out !== undefined && thoughts !== undefined) out.includeThoughts = thoughts
  return out
}

function decodeOutputConfig (config: ClaudeOutputConfig, req: ChatRequest, extras: ClaudeExtras): void {
  if (config.format !== undefined && config.format !== null) {
    req.responseFormat = { type: 'json_schema', schema: config.format.schema }
  }
  if (config.effort !== undefined && config.effort !== null) extras.effort = config.effort
  const rest = leftoverFields(config, ['effort', 'format'])
  if (rest !== undefined) extras.outputConfig = rest
}

function decodeOptions (body: ClaudeCountTokensRequest & { max_tokens?: number }, req: ChatRequest, extras: ClaudeExtras): void {
  if (body.max_tokens !== undefined) req.maxTokens = body.max_tokens
  if (body.temperature !== undefined) req.temperature = body.temperature
  if (body.top_p !== undefined) req.topP = body.top_p
  if (body.top_k !== undefined) req.topK = body.top_k
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) req.stop = body.stop_sequences
  if (body.metadata !== undefined) {
    if (typeof body.metadata.user_id === 'string') req.user = body.metadata.user_id
    const rest = leftoverFields(body.metadata, ['user_id'])
    if (rest !== undefined) extras.metadata = rest
  }
  if (body.tools !== undefined) req.tools = decodeTools(body.tools, extras)
  if (body.tool_choice !== undefined) Object.assign(req, decodeToolChoice(body.tool_choice))
  if (body.output_config !== undefined) decodeOutputConfig(body.output_config, req, extras)
  if (body.thinking !== undefined) extras.thinking = body.thinking
  const effort = body.output_config?.effort ?? undefined
  const reasoning = decodeReasoning(body.thinking, effort)
  if (reasoning !== undefined) req.reasoning = reasoning
}

/**
 * Messages body → canonical request. Shared by /v1/messages and /v1/messages/count_tokens (whose body has no
 * max_tokens or stream). What the canonical model cannot hold goes to `extras.anthropic` (see extras.ts).
 */
export function decodeClaudeRequest (
  body: ClaudeCountTokensRequest & { max_tokens?: number, stream?: boolean },
  _ctx?: TranslateContext
): ChatRequest {
  const blocks: ClaudeBlockExtra[] = []
  const toolNames = new Map<string, string>()
  const req: ChatRequest = {
    model: body.model,
    system: decodeSystem(body.system),
    messages: body.messages.map((msg, i) => decodeMessage(msg, i, blocks, toolNames)),
    stream: body.stream === true
  }
  const extras: ClaudeExtras = {}
  decodeOptions(body, req, extras)
  if (blocks.length > 0) extras.blocks = blocks
  const fields = leftoverFields(body, TOP_LEVEL_FIELDS)
  if (fields !== undefined) extras.fields = fields
  const packed = toExtras(extras)
  if (packed !== undefined) req.extras = packed
  return req
}

export function decodeMessagesRequest (body: ClaudeMessagesRequest, ctx: TranslateContext): ChatRequest {
  return decodeClaudeRequest(body, ctx)
}
