import type { AudioPart, DocumentPart, ImagePart, TextPart, ToolResultContent, UserPart } from '../../../schemas/canonical.js'
import type { OpenAIContentPart } from '../../../schemas/openai/chat-request.js'
import { mediaTypeForFilename, parseDataUrl } from '../../../schemas/openai/data-url.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

type Content = string | OpenAIContentPart[] | null | undefined

function textOf (part: OpenAIContentPart, path: string): TextPart {
  if (typeof part.text !== 'string') throw invalidRequest(`${path}.text must be a string`, `${path}.text`)
  return { type: 'text', text: part.text }
}

function imageOf (part: OpenAIContentPart, path: string): ImagePart {
  const image = part.image_url
  if (image === undefined) throw invalidRequest(`${path}.image_url is required for an image_url part`, `${path}.image_url`)
  const url = image.url
  let source: ImagePart['source']
  if (url.startsWith('data:')) {
    const parsed = parseDataUrl(url)
    if (parsed === undefined) throw invalidRequest(`${path}.image_url.url is not a base64 data URL`, `${path}.image_url.url`)
    source = { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data }
  } else if (/^https?:\/\//i.test(url)) {
    source = { kind: 'url', url }
  } else {
    throw invalidRequest(`${path}.image_url.url must be an http(s) URL or a data URL`, `${path}.image_url.url`)
  }
  const out: ImagePart = { type: 'image', source }
  const detail = image.detail
  if (detail !== undefined) {
    if (detail !== 'auto' && detail !== 'low' && detail !== 'high') {
      throw invalidRequest(`${path}.image_url.detail must be one of auto, low, high`, `${path}.image_url.detail`)
    }
    out.detail = detail
  }
  return out
}

function audioOf (part: OpenAIContentPart, path: string): AudioPart {
  const audio = part.input_audio
  if (audio === undefined) throw invalidRequest(`${path}.input_audio is required for an input_audio part`, `${path}.input_audio`)
  return { type: 'audio', data: audio.data, format: audio.format }
}

function documentOf (part: OpenAIContentPart, path: string): DocumentPart {
  const file = part.file
  if (file === undefined) throw invalidRequest(`${path}.file is required for a file part`, `${path}.file`)
  const filename = file.filename ?? undefined
  let source: DocumentPart['source']
  if (typeof file.file_data === 'string' && file.file_data !== '') {
    // Some clients send bare base64 with a filename instead of a data URL.
    const parsed = parseDataUrl(file.file_data) ?? { mediaType: mediaTypeForFilename(filename), data: file.file_data }
    source = { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data }
  } else if (typeof file.file_id === 'string' && file.file_id !== '') {
    source = { kind: 'file', fileId: file.file_id }
  } else {
    throw invalidRequest(`${path}.file needs file_data or file_id`, `${path}.file`)
  }
  return filename === undefined ? { type: 'document', source } : { type: 'document', source, filename }
}

function unsupported (part: OpenAIContentPart, path: string, where: string): never {
  throw invalidRequest(`${path}.type "${part.type}" is not supported in ${where} content`, `${path}.type`)
}

/** User message content: text, image_url, input_audio, file. */
export function decodeUserContent (content: Content, path: string): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  if (content === null || content === undefined) throw invalidRequest(`${path} is required for a user message`, path)
  return content.map((part, j) => {
    const at = `${path}[${j}]`
    switch (part.type) {
      case 'text': return textOf(part, at)
      case 'image_url': return imageOf(part, at)
      case 'input_audio': return audioOf(part, at)
      case 'file': return documentOf(part, at)
      default: return unsupported(part, at, 'user')
    }
  })
}

/**
 * Tool message content. OpenAI documents text only; images and files are accepted too because the canonical
 * tool result can carry them (Anthropic and Gemini take them). An empty string is an empty result.
 */
export function decodeToolContent (content: Content, path: string): ToolResultContent[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (content === null || content === undefined) return []
  return content.map((part, j) => {
    const at = `${path}[${j}]`
    switch (part.type) {
      case 'text': return textOf(part, at)
      case 'image_url': return imageOf(part, at)
      case 'file': return documentOf(part, at)
      default: return unsupported(part, at, 'tool')
    }
  })
}

/** System/developer content: text only. Empty texts are dropped (they carry nothing and some upstreams reject them). */
export function decodeSystemContent (content: Content, path: string): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (content === null || content === undefined) throw invalidRequest(`${path} is required for a system message`, path)
  const out: TextPart[] = []
  content.forEach((part, j) => {
    const at = `${path}[${j}]`
    if (part.type !== 'text') unsupported(part, at, 'system')
    const text = textOf(part, at)
    if (text.text !== '') out.push(text)
  })
  return out
}

/** Assistant content: text and refusal parts, both kept as text. */
export function decodeAssistantContent (content: Content, path: string): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (content === null || content === undefined) return []
  const out: TextPart[] = []
  content.forEach((part, j) => {
    const at = `${path}[${j}]`
    if (part.type === 'text') out.push(textOf(part, at))
    else if (part.type !== 'refusal') unsupported(part, at, 'assistant')
    else if (typeof part.refusal === 'string') out.push({ type: 'text', text: part.refusal })
    else throw invalidRequest(`${at}.refusal must be a string`, `${at}.refusal`)
  })
  return out
}
