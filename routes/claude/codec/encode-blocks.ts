import type { AssistantPart } from '../../../schemas/canonical.js'
import { parseArguments } from '../../../schemas/json-text.js'
import { wrapSignature } from './signature.js'

/** An Anthropic response content block, as the encoder writes it. */
export type ClaudeResponseBlock =
  | { type: 'text', text: string }
  | { type: 'thinking', thinking: string, signature?: string }
  | { type: 'redacted_thinking', data: string }
  | { type: 'tool_use', id: string, name: string, input: Record<string, unknown> }
  | Record<string, unknown>

/**
 * One canonical assistant part → its Anthropic block, or undefined for parts a Claude response cannot carry
 * (images: Anthropic models do not answer with images, and the SDK has no block type for them).
 */
export function encodeAssistantPart (part: AssistantPart): ClaudeResponseBlock | undefined {
  switch (part.type) {
    case 'text': return { type: 'text', text: part.text }
    case 'reasoning':
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted }
      return part.signature === undefined
        ? { type: 'thinking', thinking: part.text }
        : { type: 'thinking', thinking: part.text, signature: wrapSignature(part.signature, part.signatureSource) }
    case 'tool_call': return { type: 'tool_use', id: part.id, name: part.name, input: parseArguments(part.arguments) }
    case 'image': return undefined
  }
}
