import type { AssistantMessage, AssistantPart, Message, SignatureSource, TextPart, ToolResultPart, UserMessage, UserPart } from '../../../schemas/canonical.js'
import {
  ResponsesFunctionCallItem, ResponsesFunctionCallOutputItem, ResponsesMessageItem, ResponsesReasoningItem,
  type ResponsesRequest
} from '../../../schemas/openai/responses-request.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { isRecord } from '../../../schemas/json-text.js'
import { checkShape } from './check.js'
import { toAssistantParts, toSystemParts, toToolResultContent, toUserParts } from './decode-content.js'
import { fromEncryptedContent } from './signature-tag.js'

export interface DecodedInput {
  /** System and developer messages, in order. */
  system: TextPart[]
  messages: Message[]
  /** Items with no canonical form (item_reference, hosted tool calls…), kept with their position. */
  unmapped: Array<{ index: number, item: unknown }>
}

/** Builds the canonical conversation turn by turn, merging items that belong to one turn. */
class Conversation {
  readonly messages: Message[] = []
  /** A signature the next function call carries (Gemini thought signature replayed by the client). */
  pendingCallSignature: { signature: string, source: SignatureSource } | undefined

  assistant (): AssistantMessage {
    const last = this.messages.at(-1)
    if (last?.role === 'assistant') return last
    const created: AssistantMessage = { role: 'assistant', content: [] }
    this.messages.push(created)
    return created
  }

  addAssistant (parts: AssistantPart[]): void {
    this.assistant().content.push(...parts)
  }

  addUser (parts: UserPart[]): void {
    this.messages.push({ role: 'user', content: parts })
  }

  /** Tool results of one turn share a user message (the canonical convention). */
  addToolResult (part: ToolResultPart): void {
    const last = this.messages.at(-1)
    if (last?.role === 'user' && last.content.every(p => p.type === 'tool_result')) last.content.push(part)
    else this.messages.push({ role: 'user', content: [part] } satisfies UserMessage)
  }

  toolName (callId: string): string | undefined {
    for (const message of this.messages) {
      for (const part of message.content) if (part.type === 'tool_call' && part.id === callId) return part.name
    }
    return undefined
  }
}

function addReasoning (conv: Conversation, raw: unknown, param: string): boolean {
  const item = checkShape(ResponsesReasoningItem, raw, param)
  const summary = (item.summary ?? []).map(s => s.text)
  const text = summary.length > 0 ? summary.join('\n\n') : (item.content ?? []).map(c => c.text).join('\n\n')
  const encrypted = typeof item.encrypted_content === 'string' && item.encrypted_content !== '' ? item.encrypted_content : undefined
  if (encrypted === undefined) {
    // A bare reference to a reasoning item stored at OpenAI: nothing to carry.
    if (text === '') return false
    conv.addAssistant([{ type: 'reasoning', text }])
    return true
  }
  const payload = fromEncryptedContent(encrypted)
  if (payload.kind === 'call') conv.pendingCallSignature = { signature: payload.signature, source: payload.source }
  else if (payload.kind === 'redacted') conv.addAssistant([{ type: 'reasoning', text, redacted: payload.data }])
  else conv.addAssistant([{ type: 'reasoning', text, signature: payload.signature, signatureSource: payload.source }])
  return true
}

function addItem (conv: Conversation, system: TextPart[], raw: unknown, param: string): boolean {
  if (!isRecord(raw)) throw invalidRequest(`Invalid value for '${param}': expected an object.`, param)
  const type = raw.type
  if (type === undefined || type === 'message') {
    const item = checkShape(ResponsesMessageItem, raw, param)
    if (item.role === 'system' || item.role === 'developer') system.push(...toSystemParts(item.content, `${param}.content`))
    else if (item.role === 'assistant') conv.addAssistant(toAssistantParts(item.content, `${param}.content`))
    else conv.addUser(toUserParts(item.content, `${param}.content`))
    return true
  }
  if (type === 'function_call') {
    const item = checkShape(ResponsesFunctionCallItem, raw, param)
    const signed = conv.pendingCallSignature
    conv.pendingCallSignature = undefined
    conv.addAssistant([{
      type: 'tool_call', id: item.call_id, name: item.name, arguments: item.arguments,
      ...(signed === undefined ? {} : { signature: signed.signature, signatureSource: signed.source })
    }])
    return true
  }
  if (type === 'function_call_output') {
    const item = checkShape(ResponsesFunctionCallOutputItem, raw, param)
    const name = conv.toolName(item.call_id)
    conv.addToolResult({
      type: 'tool_result', callId: item.call_id, content: toToolResultContent(item.output, `${param}.output`),
      ...(name === undefined ? {} : { name })
    })
    return true
  }
  if (type === 'reasoning') return addReasoning(conv, raw, param)
  return false
}

/** `input` → canonical messages; system/developer messages join the system text after `instructions`. */
export function decodeInput (input: ResponsesRequest['input']): DecodedInput {
  const system: TextPart[] = []
  const unmapped: DecodedInput['unmapped'] = []
  if (input === undefined) return { system, messages: [], unmapped }
  if (typeof input === 'string') return { system, messages: [{ role: 'user', content: [{ type: 'text', text: input }] }], unmapped }
  const conv = new Conversation()
  input.forEach((item, index) => {
    if (!addItem(conv, system, item, `input[${index}]`)) unmapped.push({ index, item })
  })
  return { system, messages: conv.messages, unmapped }
}
