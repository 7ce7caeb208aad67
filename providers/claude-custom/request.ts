import type { ChatRequest } from '../../schemas/canonical.js'
import { readClaudeExtras, type ClaudeExtras } from '../../schemas/anthropic/extras.js'
import { thinkingBreaksToolLoop, toClaudeMessages } from './request-messages.js'
import { DEFAULT_MAX_TOKENS, effortFor, planThinking } from './request-thinking.js'
import { forcesTool, toClaudeToolChoice, toClaudeTools } from './request-tools.js'

type Body = Record<string, unknown>

/** Anthropic has no JSON-object mode; the instruction is the closest equivalent (FORMATS.md §7 JSON mode). */
export const JSON_OBJECT_INSTRUCTION = 'Respond with a single valid JSON object and nothing else.'

function toClaudeSystem (req: ChatRequest): Body[] {
  const blocks: Body[] = req.system
    .filter((part) => part.text !== '')
    .map((part) => part.cacheControl === undefined
      ? { type: 'text', text: part.text }
      : { type: 'text', text: part.text, cache_control: part.cacheControl })
  if (req.responseFormat?.type === 'json_object') blocks.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION })
  return blocks
}

/**
 * Sampling: temperature is clamped to Anthropic's 0–1. With thinking on, Anthropic rejects temperature and top_k
 * and takes top_p only from 0.95 up, so those are left out.
 */
function addSampling (req: ChatRequest, body: Body, thinking: boolean): void {
  if (!thinking && req.temperature !== undefined) body.temperature = Math.min(1, Math.max(0, req.temperature))
  if (req.topP !== undefined && (!thinking || req.topP >= 0.95)) body.top_p = req.topP
  if (!thinking && req.topK !== undefined) body.top_k = req.topK
}

function addOutputConfig (req: ChatRequest, body: Body, extras: ClaudeExtras): void {
  const config: Body = { ...extras.outputConfig }
  const effort = effortFor(req, extras)
  if (effort !== undefined) config.effort = effort
  if (req.responseFormat?.type === 'json_schema') config.format = { type: 'json_schema', schema: req.responseFormat.schema }
  if (Object.keys(config).length > 0) body.output_config = config
}

function addMetadata (req: ChatRequest, body: Body, extras: ClaudeExtras): void {
  const metadata: Body = { ...extras.metadata }
  if (req.user !== undefined) metadata.user_id = req.user
  if (Object.keys(metadata).length > 0) body.metadata = metadata
}

/**
 * Canonical request → Anthropic Messages body for `model`. See docs/translation.md for what does
 * not survive: thinking from other vendors, seed/penalties/n, OpenAI metadata, whitespace-only stop strings.
 */
export function toClaudeRequest (req: ChatRequest, model: string): Body {
  const extras = readClaudeExtras(req.extras)
  const messages = toClaudeMessages(req.messages, extras.blocks ?? [])
  const body: Body = { model }
  const system = toClaudeSystem(req)
  if (system.length > 0) body.system = system
  body.messages = messages
  const tools = toClaudeTools(req.tools ?? [], extras)
  if (tools.length > 0) body.tools = tools
  const toolChoice = toClaudeToolChoice(req, tools.length > 0)
  if (toolChoice !== undefined) body.tool_choice = toolChoice
  const plan = planThinking(req, extras)
  const thinking = plan.thinking !== undefined && !forcesTool(toolChoice) && !thinkingBreaksToolLoop(messages)
    ? plan.thinking
    : undefined
  body.max_tokens = thinking === undefined ? req.maxTokens ?? DEFAULT_MAX_TOKENS : plan.maxTokens
  if (thinking !== undefined) body.thinking = thinking
  addSampling(req, body, thinking !== undefined && thinking.type !== 'disabled')
  addOutputConfig(req, body, extras)
  addMetadata(req, body, extras)
  // Anthropic rejects stop sequences made only of whitespace.
  const stop = req.stop?.filter((s) => s.trim() !== '') ?? []
  if (stop.length > 0) body.stop_sequences = stop
  if (req.stream) body.stream = true
  for (const [key, value] of Object.entries(extras.fields ?? {})) if (!(key in body)) body[key] = value
  return body
}
