import type { AssistantPart, Message, ReasoningPart, UserPart } from '../../../schemas/canonical.js'
import type { ClaudeKnownBlock, ClaudeMessageParam } from '../../../schemas/anthropic/content-blocks.js'
import { isKnownBlock } from '../../../schemas/anthropic/content-blocks.js'
import type { ClaudeBlockExtra } from '../../../schemas/anthropic/extras.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import {
  decodeDocument, decodeImage, decodeText, decodeToolResult, isContentDocument, keepLeftovers, type BlockPlace
} from './decode-content.js'
import { unwrapSignature } from './signature.js'

/** The fields each block kind maps canonically; anything else on the block is kept in extras. */
const KNOWN_FIELDS: Record<ClaudeKnownBlock['type'], readonly string[]> = {
  text: ['type', 'text', 'cache_control'],
  image: ['type', 'source', 'cache_control'],
  document: ['type', 'source', 'title', 'cache_control'],
  tool_use: ['type', 'id', 'name', 'input'],
  tool_result: ['type', 'tool_use_id', 'content', 'is_error'],
  thinking: ['type', 'thinking', 'signature'],
  redacted_thinking: ['type', 'data']
}

function decodeThinking (text: string, signature: string | undefined): ReasoningPart {
  const part: ReasoningPart = { type: 'reasoning', text }
  if (signature === undefined || signature === '') return part
  const { signature: sig, source } = unwrapSignature(signature)
  return { ...part, signature: sig, signatureSource: source }
}

function wrongRole (block: ClaudeKnownBlock, place: BlockPlace, role: string): never {
  throw invalidRequest(`${place.path}: ${block.type} blocks are only allowed in ${role} messages`, place.path)
}

function decodeUserBlock (block: ClaudeKnownBlock, place: BlockPlace, toolNames: Map<string, string>): UserPart {
  switch (block.type) {
    case 'text': return decodeText(block)
    case 'image': return decodeImage(block)
    case 'document': return decodeDocument(block, place.path)
    case 'tool_result': return decodeToolResult(block, place, toolNames)
    default: return wrongRole(block, place, 'assistant')
  }
}

function decodeAssistantBlock (block: ClaudeKnownBlock, place: BlockPlace, toolNames: Map<string, string>): AssistantPart {
  switch (block.type) {
    case 'text': return decodeText(block)
    case 'image': return decodeImage(block)
    case 'thinking': return decodeThinking(block.thinking, block.signature)
    case 'redacted_thinking': return { type: 'reasoning', text: '', redacted: block.data, signatureSource: 'anthropic' }
    case 'tool_use':
      toolNames.set(block.id, block.name)
      return { type: 'tool_call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) }
    default: return wrongRole(block, place, 'user')
  }
}

/**
 * One Claude message → one canonical message (one to one, so extras can point at message indexes). Blocks the
 * canonical model has no part for are kept in `extras` at their position. Blocks in a role Anthropic forbids them
 * in are a 400 naming the block.
 */
export function decodeMessage (
  msg: ClaudeMessageParam,
  index: number,
  extras: ClaudeBlockExtra[],
  toolNames: Map<string, string>
): Message {
  if (typeof msg.content === 'string') {
    return msg.role === 'user'
      ? { role: 'user', content: [{ type: 'text', text: msg.content }] }
      : { role: 'assistant', content: [{ type: 'text', text: msg.content }] }
  }
  const user: UserPart[] = []
  const assistant: AssistantPart[] = []
  const parts = msg.role === 'user' ? user : assistant
  msg.content.forEach((block, j) => {
    const place: BlockPlace = { message: index, part: parts.length, path: `messages[${index}].content[${j}]`, extras }
    // Assistant documents have no canonical part either; Anthropic decides whether it takes them.
    if (!isKnownBlock(block) || isContentDocument(block) || (msg.role === 'assistant' && block.type === 'document')) {
      extras.push({ message: index, part: parts.length, block })
      return
    }
    if (msg.role === 'user') user.push(decodeUserBlock(block, place, toolNames))
    else assistant.push(decodeAssistantBlock(block, place, toolNames))
    keepLeftovers(block, KNOWN_FIELDS[block.type], place)
  })
  return msg.role === 'user' ? { role: 'user', content: user } : { role: 'assistant', content: assistant }
}
