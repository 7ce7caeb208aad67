import type { TextPart } from '../../../schemas/canonical.js'
import type { OpenAIChatRequest, OpenAIMessage } from '../../../schemas/openai/chat-request.js'
import type { SystemEdit } from '../../surface-codec.js'

function isSystem (m: OpenAIMessage): boolean {
  return m.role === 'system' || m.role === 'developer'
}

/** The system blocks of a wire body, as the decoder reads them (non-text parts are not system text). */
function systemBlocks (messages: readonly OpenAIMessage[]): TextPart[] {
  const blocks: TextPart[] = []
  for (const m of messages) {
    if (!isSystem(m)) continue
    if (typeof m.content === 'string') {
      if (m.content !== '') blocks.push({ type: 'text', text: m.content })
    } else {
      for (const part of m.content ?? []) {
        if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ type: 'text', text: part.text })
      }
    }
  }
  return blocks
}

/**
 * Passthrough system-prompt hook: the edited blocks become one `system` message (string content joined by blank
 * lines, which every OpenAI-compatible server accepts) at the front; all other messages stay as they were.
 */
export function editOpenAISystem (body: OpenAIChatRequest, edit: SystemEdit): OpenAIChatRequest {
  const edited = edit(systemBlocks(body.messages))
  const rest = body.messages.filter((m) => !isSystem(m))
  const text = edited.map((b) => b.text).join('\n\n')
  const messages: OpenAIMessage[] = text === '' ? rest : [{ role: 'system', content: text }, ...rest]
  return { ...body, messages }
}

export function withOpenAIModel (body: OpenAIChatRequest, model: string): OpenAIChatRequest {
  return { ...body, model }
}
