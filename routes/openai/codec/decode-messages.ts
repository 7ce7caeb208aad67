import type { AssistantPart, Message, TextPart, ToolCallPart, UserMessage } from '../../../schemas/canonical.js'
import type { OpenAIMessage, OpenAIToolCall } from '../../../schemas/openai/chat-request.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { decodeAssistantContent, decodeSystemContent, decodeToolContent, decodeUserContent } from './decode-parts.js'

export interface DecodedMessages {
  system: TextPart[]
  messages: Message[]
  /** Some assistant message carried `reasoning_content`. */
  reasoningContent: boolean
}

function argumentsText (value: string | Record<string, unknown>): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Walks the conversation once, keeping what later messages need: tool names by call id and open legacy calls. */
class MessageDecoder {
  readonly system: TextPart[] = []
  readonly messages: Message[] = []
  reasoningContent = false
  /** The user message that collects consecutive tool results (and the user message that follows them). */
  private toolTurn: UserMessage | undefined
  private readonly toolNames = new Map<string, string>()
  /** Legacy function calls waiting for their `function` role answer, by function name. */
  private readonly legacyCalls = new Map<string, string[]>()

  constructor (private readonly ctx: TranslateContext) {}

  add (m: OpenAIMessage, path: string): void {
    switch (m.role) {
      case 'system': case 'developer':
        this.system.push(...decodeSystemContent(m.content, `${path}.content`))
        return
      case 'user': {
        const content = decodeUserContent(m.content, `${path}.content`)
        if (this.toolTurn !== undefined) this.toolTurn.content.push(...content)
        else this.messages.push({ role: 'user', content })
        this.toolTurn = undefined
        return
      }
      case 'assistant':
        this.toolTurn = undefined
        this.messages.push({ role: 'assistant', content: this.assistantParts(m, path) })
        return
      case 'tool':
        if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '') {
          throw invalidRequest(`${path}.tool_call_id is required for a tool message`, `${path}.tool_call_id`)
        }
        this.addToolResult(m.tool_call_id, this.toolNames.get(m.tool_call_id), m, path)
        return
      case 'function': {
        if (typeof m.name !== 'string' || m.name === '') throw invalidRequest(`${path}.name is required for a function message`, `${path}.name`)
        const callId = this.legacyCalls.get(m.name)?.shift() ?? this.ctx.id('call_')
        this.addToolResult(callId, m.name, m, path)
        return
      }
      default:
        throw invalidRequest(`${path}.role "${String((m as { role: unknown }).role)}" is not a chat role`, `${path}.role`)
    }
  }

  private addToolResult (callId: string, name: string | undefined, m: OpenAIMessage, path: string): void {
    const content = decodeToolContent(m.content, `${path}.content`)
    const part = name === undefined
      ? { type: 'tool_result' as const, callId, content }
      : { type: 'tool_result' as const, callId, name, content }
    if (this.toolTurn === undefined) {
      this.toolTurn = { role: 'user', content: [] }
      this.messages.push(this.toolTurn)
    }
    this.toolTurn.content.push(part)
  }

  private assistantParts (m: OpenAIMessage, path: string): AssistantPart[] {
    const parts: AssistantPart[] = []
    if (typeof m.reasoning_content === 'string' && m.reasoning_content !== '') {
      this.reasoningContent = true
      parts.push({ type: 'reasoning', text: m.reasoning_content })
    }
    parts.push(...decodeAssistantContent(m.content, `${path}.content`))
    if (typeof m.refusal === 'string' && m.refusal !== '') parts.push({ type: 'text', text: m.refusal })
    m.tool_calls?.forEach((call, j) => parts.push(this.toolCall(call, `${path}.tool_calls[${j}]`)))
    if (m.function_call !== undefined && m.function_call !== null) {
      const id = this.ctx.id('call_')
      const { name } = m.function_call
      const queue = this.legacyCalls.get(name) ?? []
      queue.push(id)
      this.legacyCalls.set(name, queue)
      parts.push({ type: 'tool_call', id, name, arguments: argumentsText(m.function_call.arguments) })
    }
    return parts
  }

  private toolCall (call: OpenAIToolCall, path: string): ToolCallPart {
    if (call.type !== undefined && call.type !== 'function') {
      throw invalidRequest(`${path}.type "${call.type}" is not supported (only function tool calls can be translated)`, `${path}.type`)
    }
    if (call.function === undefined) throw invalidRequest(`${path}.function is required`, `${path}.function`)
    this.toolNames.set(call.id, call.function.name)
    return { type: 'tool_call', id: call.id, name: call.function.name, arguments: argumentsText(call.function.arguments) }
  }
}

/**
 * OpenAI messages → canonical system + messages. System and developer messages anywhere in the list become system
 * blocks in order (their position is not kept). Tool messages become tool_result parts of one user message, which
 * also takes the user message right after them, results first.
 */
export function decodeMessages (messages: readonly OpenAIMessage[], ctx: TranslateContext): DecodedMessages {
  if (messages.length === 0) throw invalidRequest('messages must contain at least one message', 'messages')
  const decoder = new MessageDecoder(ctx)
  messages.forEach((m, i) => decoder.add(m, `messages[${i}]`))
  return { system: decoder.system, messages: decoder.messages, reasoningContent: decoder.reasoningContent }
}
