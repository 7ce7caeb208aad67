import type { Message, ToolResultContent, ToolResultPart, UserPart } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import type { GeminiContent, GeminiFunctionResponse, GeminiPart } from '../../../schemas/gemini/content.js'
import { codePartText, decodeModelParts, mediaFromFile, mediaFromInline } from '../../../schemas/gemini/parts-decode.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

/**
 * Gemini `contents` → canonical messages. Function responses often carry no id (Gemini did not always issue
 * one): they are paired with the earliest unanswered call of the same name, in order, so the canonical
 * tool_result points at the tool_call id every other protocol needs.
 */

interface OpenCall { id: string, name: string }

export function decodeContents (contents: readonly GeminiContent[], ctx: TranslateContext): Message[] {
  if (contents.length === 0) throw invalidRequest('contents must not be empty', 'contents')
  const messages: Message[] = []
  const open: OpenCall[] = []
  contents.forEach((content, i) => {
    if (content.parts.length === 0) return
    if (content.role === 'model') {
      rejectFunctionResponses(content.parts, i)
      const parts = decodeModelParts(content.parts, ctx)
      for (const part of parts) if (part.type === 'tool_call') open.push({ id: part.id, name: part.name })
      if (parts.length > 0) messages.push({ role: 'assistant', content: parts })
      return
    }
    const parts = content.parts.map((part, j) => decodeUserPart(part, `contents[${i}].parts[${j}]`, open, ctx))
    messages.push({ role: 'user', content: parts })
  })
  return messages
}

function rejectFunctionResponses (parts: readonly GeminiPart[], i: number): void {
  const j = parts.findIndex(p => p.functionResponse !== undefined)
  if (j >= 0) throw invalidRequest('functionResponse parts belong in user turns, not model turns', `contents[${i}].parts[${j}].functionResponse`)
}

function decodeUserPart (part: GeminiPart, path: string, open: OpenCall[], ctx: TranslateContext): UserPart {
  if (part.functionResponse !== undefined) return decodeFunctionResponse(part.functionResponse, open, ctx)
  if (part.functionCall !== undefined) throw invalidRequest('functionCall parts belong in model turns', `${path}.functionCall`)
  if (part.text !== undefined) return { type: 'text', text: part.text }
  if (part.inlineData !== undefined) return mediaFromInline(part.inlineData)
  if (part.fileData !== undefined) return mediaFromFile(part.fileData)
  const code = codePartText(part)
  if (code !== undefined) return { type: 'text', text: code }
  throw invalidRequest('part has no data (expected text, inlineData, fileData or functionResponse)', path)
}

function claimCall (response: GeminiFunctionResponse, open: OpenCall[], ctx: TranslateContext): string {
  if (response.id !== undefined && response.id !== '') {
    const k = open.findIndex(c => c.id === response.id)
    if (k >= 0) open.splice(k, 1)
    return response.id
  }
  const k = open.findIndex(c => c.name === response.name)
  if (k < 0) return ctx.id('call_')
  const [call] = open.splice(k, 1)
  return call?.id ?? ctx.id('call_')
}

function decodeFunctionResponse (response: GeminiFunctionResponse, open: OpenCall[], ctx: TranslateContext): ToolResultPart {
  const { text, isError } = responseText(response.response)
  const content: ToolResultContent[] = [{ type: 'text', text }]
  for (const extra of response.parts ?? []) {
    const media = extra.inlineData !== undefined ? mediaFromInline(extra.inlineData) : extra.fileData !== undefined ? mediaFromFile(extra.fileData) : undefined
    if (media === undefined) continue
    // Tool results hold text, images and documents; audio travels as a base64 document.
    content.push(media.type === 'audio'
      ? { type: 'document', source: { kind: 'base64', mediaType: `audio/${media.format}`, data: media.data } }
      : media)
  }
  return {
    type: 'tool_result',
    callId: claimCall(response, open, ctx),
    name: response.name,
    content,
    ...(isError ? { isError: true } : {})
  }
}

/** `{output}` → its value, `{error}` → its value flagged as an error, any other object → its JSON text. */
export function responseText (response: Record<string, unknown>): { text: string, isError: boolean } {
  const keys = Object.keys(response)
  const only = keys.length === 1 ? keys[0] : undefined
  const value = only === 'output' || only === 'error' ? response[only] : response
  return { text: typeof value === 'string' ? value : JSON.stringify(value ?? null), isError: only === 'error' }
}
