import type { TextPart } from '../../../schemas/canonical.js'
import type { ClaudeTextBlock } from '../../../schemas/anthropic/content-blocks.js'
import type { ClaudeMessagesRequest } from '../../../schemas/anthropic/messages-request.js'
import { isRecord } from '../../../schemas/json-text.js'
import type { SystemEdit } from '../../surface-codec.js'

function toBlock (part: TextPart): ClaudeTextBlock {
  return part.cacheControl === undefined
    ? { type: 'text', text: part.text }
    : { type: 'text', text: part.text, cache_control: part.cacheControl as ClaudeTextBlock['cache_control'] }
}

/**
 * Applies the system-prompt hook to a Claude body without translating it. Blocks the edit returns untouched (the
 * same objects) are written back exactly as the client sent them, unknown fields included; a string system stays a
 * string when the edit leaves it alone.
 */
export function editClaudeSystem<Body extends Pick<ClaudeMessagesRequest, 'system'>> (body: Body, edit: SystemEdit): Body {
  const original = body.system
  const sources = new Map<TextPart, ClaudeTextBlock>()
  let parts: TextPart[]
  if (original === undefined || original === '') parts = []
  else if (typeof original === 'string') parts = [{ type: 'text', text: original }]
  // The body is unchecked on the passthrough path: a system the gateway cannot read is the upstream's to refuse.
  else if (!Array.isArray(original) || !original.every(isTextBlock)) return body
  else {
    parts = original.map((block) => {
      const part: TextPart = block.cache_control === undefined || block.cache_control === null
        ? { type: 'text', text: block.text }
        : { type: 'text', text: block.text, cacheControl: block.cache_control }
      sources.set(part, block)
      return part
    })
  }
  const edited = edit(parts)
  const { system: _dropped, ...rest } = body
  if (edited.length === 0) return rest as Body
  if (typeof original === 'string' && edited.length === 1 && edited[0] === parts[0]) return { ...body }
  return { ...rest, system: edited.map((part) => sources.get(part) ?? toBlock(part)) } as Body
}

function isTextBlock (block: unknown): block is ClaudeTextBlock {
  return isRecord(block) && typeof block.text === 'string'
}

export function withClaudeModel<Body extends { model: string }> (body: Body, model: string): Body {
  return { ...body, model }
}
