import type {
  AssistantMessage, AudioPart, ChatRequest, DocumentPart, ImagePart, TextPart, ToolResultPart, UserMessage, UserPart
} from '../../schemas/canonical.js'
import { filenameForMediaType, toDataUrl } from '../../schemas/openai/data-url.js'
import type { OpenAIHints } from '../../schemas/openai/hints.js'
import { invalidRequest } from '../../plugins/gateway-error.js'

type WirePart = Record<string, unknown>
type WireMessage = Record<string, unknown>

function imagePart (part: ImagePart): WirePart {
  const source = part.source
  let url: string
  if (source.kind === 'base64') url = toDataUrl(source.mediaType, source.data)
  else if (source.kind === 'url') url = source.url
  else if (/^https?:\/\//i.test(source.fileId)) url = source.fileId
  else throw invalidRequest('An image given as a file id cannot be sent to an OpenAI-compatible chat upstream')
  const imageUrl: Record<string, unknown> = { url }
  if (part.detail !== undefined) imageUrl.detail = part.detail
  return { type: 'image_url', image_url: imageUrl }
}

function documentPart (part: DocumentPart): WirePart {
  const source = part.source
  switch (source.kind) {
    case 'base64': {
      // OpenAI requires a filename with inline file data.
      const filename = part.filename ?? part.title ?? filenameForMediaType(source.mediaType)
      return { type: 'file', file: { filename, file_data: toDataUrl(source.mediaType, source.data) } }
    }
    case 'file':
      return { type: 'file', file: { file_id: source.fileId } }
    case 'text':
      return { type: 'text', text: source.data }
    case 'url':
      throw invalidRequest('A document given by URL cannot be sent to an OpenAI-compatible chat upstream; send it inline')
  }
}

function audioPart (part: AudioPart): WirePart {
  return { type: 'input_audio', input_audio: { data: part.data, format: part.format } }
}

function userPart (part: Exclude<UserPart, ToolResultPart>): WirePart {
  switch (part.type) {
    case 'text': return { type: 'text', text: part.text }
    case 'image': return imagePart(part)
    case 'document': return documentPart(part)
    case 'audio': return audioPart(part)
  }
}

/**
 * A tool result as a `tool` message. OpenAI tool messages take text only, so images and documents inside a result
 * move into the user message that follows the tool messages, and the tool text says so.
 */
function toolMessage (part: ToolResultPart, moved: WirePart[]): WireMessage {
  const texts: string[] = []
  let attachments = 0
  for (const item of part.content) {
    if (item.type === 'text') texts.push(item.text)
    else {
      moved.push(item.type === 'image' ? imagePart(item) : documentPart(item))
      attachments++
    }
  }
  if (attachments > 0) texts.push(`[${attachments} attachment(s) of this tool result follow in the next user message]`)
  return { role: 'tool', tool_call_id: part.callId, content: texts.join('\n') }
}

/** Tool results first (OpenAI wants them right after the assistant's calls), then the user's own content. */
function pushUserMessage (message: UserMessage, out: WireMessage[]): void {
  const moved: WirePart[] = []
  const own: WirePart[] = []
  for (const part of message.content) {
    if (part.type === 'tool_result') out.push(toolMessage(part, moved))
    else own.push(userPart(part))
  }
  const content = [...moved, ...own]
  if (content.length === 0) return
  const only = content[0]
  // A lone text part goes as a plain string, which every OpenAI-compatible server accepts.
  if (content.length === 1 && only?.type === 'text') out.push({ role: 'user', content: only.text })
  else out.push({ role: 'user', content })
}

/** Reasoning is dropped unless the client itself sent `reasoning_content` (DeepSeek-style thinking with tools). */
function assistantMessage (message: AssistantMessage, hints: OpenAIHints): WireMessage {
  let text = ''
  let reasoning = ''
  const calls: WirePart[] = []
  for (const part of message.content) {
    if (part.type === 'text') text += part.text
    else if (part.type === 'reasoning') reasoning += part.text
    else if (part.type === 'tool_call') calls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } })
    // Assistant images have no OpenAI chat input form.
  }
  const out: WireMessage = { role: 'assistant', content: text !== '' || calls.length === 0 ? text : null }
  if (hints.reasoningContent === true && reasoning !== '') out.reasoning_content = reasoning
  if (calls.length > 0) out.tool_calls = calls
  return out
}

function systemText (system: readonly TextPart[]): string {
  return system.map((b) => b.text).filter((t) => t !== '').join('\n\n')
}

/** Canonical system + messages → OpenAI messages: one system message first, tool results as `tool` messages. */
export function toOpenAIMessages (req: ChatRequest, hints: OpenAIHints): WireMessage[] {
  const out: WireMessage[] = []
  const system = systemText(req.system)
  if (system !== '') out.push({ role: 'system', content: system })
  for (const message of req.messages) {
    if (message.role === 'user') pushUserMessage(message, out)
    else out.push(assistantMessage(message, hints))
  }
  return out
}
