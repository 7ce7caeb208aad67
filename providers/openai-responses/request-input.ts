import type { AssistantMessage, DocumentPart, ImagePart, Message, ToolResultPart, UserMessage } from '../../schemas/canonical.js'

/**
 * Canonical messages → Responses `input` items. Nothing here refers to stored items by id (no `id` fields, no
 * item_reference): requests go out with `store: false`, and the API rejects ids it did not persist.
 */
type Item = Record<string, unknown>

function imageItem (part: ImagePart): Item {
  const src = part.source
  const detail = part.detail ?? 'auto'
  if (src.kind === 'base64') return { type: 'input_image', image_url: `data:${src.mediaType};base64,${src.data}`, detail }
  if (src.kind === 'url') return { type: 'input_image', image_url: src.url, detail }
  return { type: 'input_image', file_id: src.fileId, detail }
}

function documentItem (part: DocumentPart): Item {
  const src = part.source
  if (src.kind === 'text') return { type: 'input_text', text: src.data }
  if (src.kind === 'url') return { type: 'input_file', file_url: src.url }
  if (src.kind === 'file') return { type: 'input_file', file_id: src.fileId }
  const extension = src.mediaType.split('/')[1]?.split('+')[0] ?? 'bin'
  // The API wants a file name with inline file data.
  return { type: 'input_file', filename: part.filename ?? `document.${extension}`, file_data: `data:${src.mediaType};base64,${src.data}` }
}

function toolOutput (part: ToolResultPart): string | Item[] {
  if (part.content.every(c => c.type === 'text')) return part.content.map(c => c.type === 'text' ? c.text : '').join('\n')
  return part.content.map(c => c.type === 'text' ? { type: 'input_text', text: c.text } : c.type === 'image' ? imageItem(c) : documentItem(c))
}

function userItems (message: UserMessage): Item[] {
  const items: Item[] = []
  let content: Item[] = []
  const flush = (): void => {
    if (content.length > 0) items.push({ type: 'message', role: 'user', content })
    content = []
  }
  for (const part of message.content) {
    switch (part.type) {
      case 'text': content.push({ type: 'input_text', text: part.text }); break
      case 'image': content.push(imageItem(part)); break
      case 'document': content.push(documentItem(part)); break
      case 'tool_result':
        flush()
        items.push({ type: 'function_call_output', call_id: part.callId, output: toolOutput(part) })
        break
      case 'audio': break // message content has no audio part in the Responses API
    }
  }
  flush()
  return items
}

function assistantItems (message: AssistantMessage): Item[] {
  const items: Item[] = []
  let text = ''
  const flush = (): void => {
    if (text !== '') items.push({ type: 'message', role: 'assistant', content: text })
    text = ''
  }
  for (const part of message.content) {
    if (part.type === 'text') { text += part.text; continue }
    if (part.type === 'tool_call') {
      flush()
      items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments })
    } else if (part.type === 'reasoning' && part.signatureSource === 'openai' && part.signature !== undefined) {
      // Only OpenAI's own encrypted reasoning can be replayed; other vendors' thinking stays behind.
      flush()
      items.push({ type: 'reasoning', summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }], encrypted_content: part.signature })
    }
  }
  flush()
  return items
}

export function toInputItems (messages: Message[]): Item[] {
  return messages.flatMap(m => m.role === 'user' ? userItems(m) : assistantItems(m))
}

export function hasOpenAiReasoning (messages: Message[]): boolean {
  return messages.some(m => m.role === 'assistant' && m.content.some(p => p.type === 'reasoning' && p.signatureSource === 'openai' && p.signature !== undefined))
}
