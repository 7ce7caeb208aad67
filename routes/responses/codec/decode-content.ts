import type { AssistantPart, TextPart, ToolResultContent, UserPart } from '../../../schemas/canonical.js'
import {
  ResponsesInputFile, ResponsesInputImage, ResponsesInputText, ResponsesOutputText, ResponsesRefusal
} from '../../../schemas/openai/responses-request.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { checkShape } from './check.js'
import { toDocumentPart, toImagePart } from './media.js'

type Decoded = TextPart | ToolResultContent

/** One content part of any role, narrowed by its type; `allowed` lists the types this position accepts. */
function decodePart (part: unknown, param: string, allowed: ReadonlySet<string>): Decoded {
  const type = typeof part === 'object' && part !== null ? (part as { type?: unknown }).type : undefined
  if (typeof type !== 'string' || !allowed.has(type)) {
    throw invalidRequest(`Invalid value for '${param}.type': ${JSON.stringify(type)} is not supported here; expected one of ${[...allowed].join(', ')}.`, `${param}.type`)
  }
  switch (type) {
    case 'input_text': return { type: 'text', text: checkShape(ResponsesInputText, part, param).text }
    case 'output_text': return { type: 'text', text: checkShape(ResponsesOutputText, part, param).text }
    case 'refusal': return { type: 'text', text: checkShape(ResponsesRefusal, part, param).refusal }
    case 'input_image': return toImagePart(checkShape(ResponsesInputImage, part, param), param)
    default: return toDocumentPart(checkShape(ResponsesInputFile, part, param), param)
  }
}

function decodeContent (content: unknown, param: string, allowed: ReadonlySet<string>): Decoded[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  if (!Array.isArray(content)) throw invalidRequest(`Invalid value for '${param}': expected a string or an array of content parts.`, param)
  return content.map((part: unknown, j) => decodePart(part, `${param}[${j}]`, allowed))
}

const USER_TYPES = new Set(['input_text', 'input_image', 'input_file', 'output_text', 'refusal'])
const ASSISTANT_TYPES = new Set(['output_text', 'refusal', 'input_text', 'input_image'])
const SYSTEM_TYPES = new Set(['input_text', 'output_text'])
const TOOL_OUTPUT_TYPES = new Set(['input_text', 'input_image', 'input_file'])

export function toUserParts (content: unknown, param: string): UserPart[] {
  return decodeContent(content, param, USER_TYPES)
}

export function toAssistantParts (content: unknown, param: string): AssistantPart[] {
  // ASSISTANT_TYPES admits no input_file, so only text and images come back.
  return decodeContent(content, param, ASSISTANT_TYPES) as AssistantPart[]
}

export function toSystemParts (content: unknown, param: string): TextPart[] {
  return decodeContent(content, param, SYSTEM_TYPES) as TextPart[]
}

export function toToolResultContent (output: unknown, param: string): ToolResultContent[] {
  return decodeContent(output, param, TOOL_OUTPUT_TYPES)
}
