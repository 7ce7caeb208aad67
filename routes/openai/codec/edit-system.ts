import type { TextPart } from '../../../schemas/canonical.js'
import type { OpenAIChatRequest, OpenAIContentPart, OpenAIMessage } from '../../../schemas/openai/chat-request.js'
import { isRecord } from '../../../schemas/json-text.js'
import type { SystemEdit } from '../../surface-codec.js'

/** The body is unchecked on the passthrough path: anything that is not a system message object is left alone. */
function isSystem (m: unknown): m is OpenAIMessage {
  return isRecord(m) && (m.role === 'system' || m.role === 'developer')
}

/** The system text blocks of a wire body, as the decoder reads them, and the parts that are not text. */
function systemContent (messages: readonly unknown[]): { blocks: TextPart[], others: OpenAIContentPart[] } {
  const blocks: TextPart[] = []
  const others: OpenAIContentPart[] = []
  for (const m of messages) {
    if (!isSystem(m)) continue
    if (typeof m.content === 'string') {
      if (m.content !== '') blocks.push({ type: 'text', text: m.content })
    } else if (Array.isArray(m.content)) {
      for (const part of m.content) {
        if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') {
          if (part.text !== '') blocks.push({ type: 'text', text: part.text })
        } else {
          others.push(part)
        }
      }
    }
  }
  return { blocks, others }
}

/**
 * Passthrough system-prompt hook: the edited blocks become one `system` message at the front (string content
 * joined by blank lines, which every OpenAI-compatible server accepts); parts that are not text cannot be edited as
 * text, so they stay in that message, after the text. All other messages stay as they were. A body without a
 * messages array is the upstream's to refuse, and is left as sent.
 */
export function editOpenAISystem (body: OpenAIChatRequest, edit: SystemEdit): OpenAIChatRequest {
  const sent: unknown = body.messages
  if (!Array.isArray(sent)) return body
  const { blocks, others } = systemContent(sent)
  const text = edit(blocks).map((b) => b.text).join('\n\n')
  const rest = sent.filter((m) => !isSystem(m)) as OpenAIMessage[]
  const content: OpenAIMessage['content'] | undefined = others.length === 0
    ? (text === '' ? undefined : text)
    : [...(text === '' ? [] : [{ type: 'text', text }]), ...others]
  const messages: OpenAIMessage[] = content === undefined ? rest : [{ role: 'system', content }, ...rest]
  return { ...body, messages }
}

export function withOpenAIModel (body: OpenAIChatRequest, model: string): OpenAIChatRequest {
  return { ...body, model }
}
