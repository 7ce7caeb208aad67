import type { ChatRequest, Message, ResponseFormat } from '../../schemas/canonical.js'
import { invalidRequest } from '../../plugins/gateway-error.js'
import type { KiroHistoryEntry, KiroRequestBody, KiroUserInputMessage } from './kiro-types.js'
import { KIRO_MODELS } from './models.js'
import {
  checkKiroContent, CONTINUE_CONTENT, EMPTY_CONTENT, mergeTurns, toAssistantTurn, toUserTurn, TOOL_RESULTS_CONTENT,
  type UserTurn
} from './request-messages.js'
import { kiroThinkingFields } from './request-thinking.js'
import { buildToolNameMap, kiroToolName, toKiroTools } from './request-tools.js'

/**
 * Canonical request → Kiro generateAssistantResponse body (FORMATS.md §6 "Body", "Proxy conventions").
 *
 * - Turns of the same role are merged; history alternates user/assistant and starts with a user turn (an empty
 *   one is inserted when the conversation starts with the assistant). The last user turn is `currentMessage`; a
 *   trailing assistant turn (prefill) goes to history and a `Continue` user turn becomes the current message.
 * - System text is prepended to the first user turn's content (Kiro has no system field). A JSON response format
 *   is expressed there too, as an instruction (FORMATS.md §7 "JSON mode": Kiro has no structured-output field).
 * - Tools are sent on every request (on the current message), under Kiro-safe names (see request-tools.ts).
 * - Not expressible on Kiro, so not sent: maxTokens, temperature, topP, topK, stop, seed, penalties, n,
 *   toolChoice, parallelToolCalls, user, metadata, extras; reasoning parts of earlier assistant turns.
 * - Images must already be inline base64 (the provider downloads URL images before calling this).
 */

export interface KiroRequestOptions {
  /** The Kiro model id (`claude-sonnet-4.5`), see models.ts. */
  model: string
  /** Required for social and IdC logins; omitted for API keys. */
  profileArn?: string
  conversationId: string
  continuationId?: string
  /** `AI_EDITOR` (IDE, default) or `KIRO_CLI`. */
  origin?: string
  /** Whether the model takes the adaptive-thinking envelope; looked up in models.ts by default. */
  adaptiveThinking?: boolean
}

export interface KiroRequest {
  body: KiroRequestBody
  /** Kiro tool name → the client's tool name, for the stream decoder. */
  toolNameMap: Map<string, string>
}

export function toKiroRequest (req: ChatRequest, opts: KiroRequestOptions): KiroRequest {
  if (req.messages.length === 0) throw invalidRequest('At least one message is required', 'messages')
  checkKiroContent(req.messages)
  const toolNameMap = buildToolNameMap(req.tools, req.messages)
  const turns = mergeTurns(req.messages)
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', content: [] })
  const last = turns[turns.length - 1]
  const current = last?.role === 'user' ? last : undefined
  const historyTurns = current === undefined ? turns : turns.slice(0, -1)

  const system = systemText(req)
  const origin = opts.origin ?? 'AI_EDITOR'
  const history = historyTurns.map((turn, i) => historyEntry(turn, i === 0 ? system : '', opts.model, origin))

  const currentTurn: UserTurn = current === undefined ? { text: '', images: [], toolResults: [] } : toUserTurn(current)
  const placeholder = current === undefined ? CONTINUE_CONTENT : undefined
  const message = userMessage(currentTurn, history.length === 0 ? system : '', opts.model, origin, placeholder)
  if (req.tools !== undefined && req.tools.length > 0) {
    // Key order as the IDE sends it: tools, then toolResults.
    message.userInputMessageContext = { tools: toKiroTools(req.tools), ...message.userInputMessageContext }
  }
  const adaptive = opts.adaptiveThinking ?? KIRO_MODELS.find((m) => m.kiroId === opts.model)?.adaptiveThinking ?? false
  const thinking = kiroThinkingFields(req.reasoning, adaptive)
  if (thinking !== undefined) message.additionalModelRequestFields = thinking

  const body: KiroRequestBody = {
    ...(opts.profileArn === undefined ? {} : { profileArn: opts.profileArn }),
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: opts.conversationId,
      agentTaskType: 'vibe',
      ...(opts.continuationId === undefined ? {} : { agentContinuationId: opts.continuationId }),
      ...(history.length === 0 ? {} : { history }),
      currentMessage: { userInputMessage: message }
    }
  }
  return { body, toolNameMap }
}

function historyEntry (turn: Message, system: string, model: string, origin: string): KiroHistoryEntry {
  if (turn.role === 'assistant') return { assistantResponseMessage: toAssistantTurn(turn, kiroToolName) }
  return { userInputMessage: userMessage(toUserTurn(turn), system, model, origin) }
}

function userMessage (turn: UserTurn, system: string, model: string, origin: string, placeholder?: string): KiroUserInputMessage {
  const text = [system, turn.text].filter((t) => t !== '').join('\n\n')
  const fallback = turn.toolResults.length > 0 ? TOOL_RESULTS_CONTENT : placeholder ?? EMPTY_CONTENT
  const message: KiroUserInputMessage = { content: text === '' ? fallback : text, modelId: model, origin }
  if (turn.images.length > 0) message.images = turn.images
  if (turn.toolResults.length > 0) message.userInputMessageContext = { toolResults: turn.toolResults }
  return message
}

function systemText (req: ChatRequest): string {
  const parts = req.system.map((p) => p.text).filter((t) => t !== '')
  const json = jsonInstruction(req.responseFormat)
  if (json !== undefined) parts.push(json)
  return parts.join('\n\n')
}

function jsonInstruction (format: ResponseFormat | undefined): string | undefined {
  if (format === undefined || format.type === 'text') return undefined
  if (format.type === 'json_object') return 'Respond with a single valid JSON object and nothing else.'
  return `Respond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(format.schema)}`
}
