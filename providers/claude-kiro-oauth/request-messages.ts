import type { AssistantMessage, ImagePart, Message, ToolResultPart, UserMessage } from '../../schemas/canonical.js'
import { invalidRequest } from '../../plugins/gateway-error.js'
import { parseArguments } from '../../schemas/json-text.js'
import type { KiroAssistantResponseMessage, KiroImage, KiroToolResult } from './kiro-types.js'

/**
 * Canonical turns → Kiro turns. Kiro requires non-empty `content`; these placeholders are the only text the
 * gateway ever adds to a conversation, and only where the turn has no text of its own:
 */
/** A user turn that only carries tool results (the phrase the public proxies and FORMATS.md use). */
export const TOOL_RESULTS_CONTENT = 'Tool results provided.'
/** Any other turn or tool result without text (image-only user turn, tool-call-only assistant turn). */
export const EMPTY_CONTENT = '.'
/** The user turn added after a trailing assistant turn (a prefill), since Kiro's current message is a user turn. */
export const CONTINUE_CONTENT = 'Continue'

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp'])

export interface UserTurn {
  /** The turn's own text ('' when it has none; the caller decides on a placeholder after folding the system). */
  text: string
  images: KiroImage[]
  toolResults: KiroToolResult[]
}

/**
 * Rejects what Kiro cannot carry, naming the field: non-base64 images (URL images must be downloaded and inlined
 * by the provider before translation), PDFs and other binary documents, audio.
 */
export function checkKiroContent (messages: Message[]): void {
  messages.forEach((message, i) => {
    message.content.forEach((part, j) => {
      const where = `messages[${i}].content[${j}]`
      if (part.type === 'image' && message.role === 'user') checkImage(part, where)
      if (part.type === 'document' && part.source.kind !== 'text') {
        throw invalidRequest(`Kiro accepts text and images only; the document at ${where} cannot be sent`, where)
      }
      if (part.type === 'audio') throw invalidRequest(`Kiro does not accept audio input (${where})`, where)
      if (part.type === 'tool_result') {
        part.content.forEach((inner, k) => {
          const innerWhere = `${where}.content[${k}]`
          if (inner.type === 'image') checkImage(inner, innerWhere)
          if (inner.type === 'document' && inner.source.kind !== 'text') {
            throw invalidRequest(`Kiro accepts text and images only in tool results (${innerWhere})`, innerWhere)
          }
        })
      }
    })
  })
}

function checkImage (part: ImagePart, where: string): void {
  if (part.source.kind !== 'base64') {
    throw invalidRequest(`Kiro accepts inline base64 images only; the image at ${where} is a ${part.source.kind} reference`, where)
  }
  if (!IMAGE_FORMATS.has(imageFormat(part.source.mediaType))) {
    throw invalidRequest(`Kiro accepts png, jpeg, gif and webp images; got ${part.source.mediaType} at ${where}`, where)
  }
}

function imageFormat (mediaType: string): string {
  const sub = mediaType.toLowerCase().split('/')[1] ?? ''
  return sub === 'jpg' ? 'jpeg' : sub
}

function toKiroImage (part: ImagePart): KiroImage | undefined {
  if (part.source.kind !== 'base64') return undefined
  return { format: imageFormat(part.source.mediaType), source: { bytes: part.source.data } }
}

/** Adjacent turns of the same role become one (Kiro's history alternates strictly). */
export function mergeTurns (messages: Message[]): Message[] {
  const out: Message[] = []
  for (const message of messages) {
    const last = out[out.length - 1]
    if (last !== undefined && last.role === message.role) {
      out[out.length - 1] = { role: last.role, content: [...last.content, ...message.content] } as Message
    } else {
      out.push(message)
    }
  }
  return out
}

export function toUserTurn (message: UserMessage): UserTurn {
  const texts: string[] = []
  const images: KiroImage[] = []
  const results = new Map<string, KiroToolResult>()
  for (const part of message.content) {
    if (part.type === 'text') texts.push(part.text)
    else if (part.type === 'document' && part.source.kind === 'text') texts.push(part.source.data)
    else if (part.type === 'image') pushImage(images, part)
    else if (part.type === 'tool_result') addToolResult(results, images, part)
  }
  return { text: texts.filter((t) => t !== '').join('\n\n'), images, toolResults: [...results.values()] }
}

function pushImage (images: KiroImage[], part: ImagePart): void {
  const image = toKiroImage(part)
  if (image !== undefined) images.push(image)
}

/** Tool result text stays in the result; its images move to the message (Kiro has no images in toolResults). */
function addToolResult (results: Map<string, KiroToolResult>, images: KiroImage[], part: ToolResultPart): void {
  const content: Array<{ text: string }> = []
  for (const inner of part.content) {
    if (inner.type === 'text' && inner.text !== '') content.push({ text: inner.text })
    else if (inner.type === 'document' && inner.source.kind === 'text') content.push({ text: inner.source.data })
    else if (inner.type === 'image') pushImage(images, inner)
  }
  const existing = results.get(part.callId)
  if (existing !== undefined) {
    // Kiro rejects two results for one toolUseId; one result with both contents keeps everything.
    existing.content.push(...content)
    if (part.isError === true) existing.status = 'error'
    return
  }
  results.set(part.callId, {
    toolUseId: part.callId,
    content: content.length > 0 ? content : [{ text: EMPTY_CONTENT }],
    status: part.isError === true ? 'error' : 'success'
  })
}

/**
 * Assistant turn → Kiro. Reasoning parts are not sent: Kiro's assistant turn has no field for them, and Anthropic
 * itself ignores earlier turns' thinking. Images in assistant turns have no Kiro field either and are dropped.
 */
export function toAssistantTurn (message: AssistantMessage, toolName: (name: string) => string): KiroAssistantResponseMessage {
  const texts: string[] = []
  const toolUses: NonNullable<KiroAssistantResponseMessage['toolUses']> = []
  for (const part of message.content) {
    if (part.type === 'text' && part.text !== '') texts.push(part.text)
    else if (part.type === 'tool_call') {
      toolUses.push({ toolUseId: part.id, name: toolName(part.name), input: parseArguments(part.arguments) })
    }
  }
  const content = texts.join('\n\n')
  const turn: KiroAssistantResponseMessage = { content: content === '' ? EMPTY_CONTENT : content }
  if (toolUses.length > 0) turn.toolUses = toolUses
  return turn
}
