import { Type, type Static, type TSchema } from '@sinclair/typebox'

/**
 * Anthropic Messages content blocks as clients send them (FORMATS.md §3). Objects keep unknown fields: Anthropic
 * adds fields to blocks over time (citations, cache_control ttl…) and the gateway must not reject what the upstream
 * accepts. Block types the gateway does not model (server tool results, search results, container uploads…) are
 * accepted as `ClaudeUnknownBlock` and carried verbatim.
 *
 * Unions list the array before the string: under Fastify's default ajv option `coerceTypes: 'array'`, a string
 * branch tried first unwraps a one-element array and the array branch then fails (one-block `content` rejected).
 * Array-first keeps both forms intact. Coercion still rewrites some values (null → "" in nullable strings), so the
 * routes should validate these bodies with `coerceTypes: false`.
 */

/** `schema | null`: the SDK types allow null on most optional fields. */
function Nullable<T extends TSchema> (schema: T) {
  return Type.Union([schema, Type.Null()])
}

export const ClaudeCacheControl = Type.Object({
  type: Type.Literal('ephemeral'),
  ttl: Type.Optional(Type.String())
})
export type ClaudeCacheControl = Static<typeof ClaudeCacheControl>

const cacheControl = Type.Optional(Nullable(ClaudeCacheControl))

export const ClaudeTextBlock = Type.Object({
  type: Type.Literal('text'),
  text: Type.String(),
  cache_control: cacheControl
})
export type ClaudeTextBlock = Static<typeof ClaudeTextBlock>

export const ClaudeBase64Source = Type.Object({
  type: Type.Literal('base64'),
  media_type: Type.String(),
  data: Type.String()
})
export const ClaudeUrlSource = Type.Object({ type: Type.Literal('url'), url: Type.String() })
/** Files API reference (beta). */
export const ClaudeFileSource = Type.Object({ type: Type.Literal('file'), file_id: Type.String() })
export const ClaudeTextSource = Type.Object({
  type: Type.Literal('text'),
  media_type: Type.String(),
  data: Type.String()
})
/** A document made of content blocks; the canonical model has no equivalent, so it travels in extras. */
export const ClaudeContentSource = Type.Object({
  type: Type.Literal('content'),
  content: Type.Union([Type.Array(Type.Object({ type: Type.String() })), Type.String()])
})

export const ClaudeImageBlock = Type.Object({
  type: Type.Literal('image'),
  source: Type.Union([ClaudeBase64Source, ClaudeUrlSource, ClaudeFileSource]),
  cache_control: cacheControl
})
export type ClaudeImageBlock = Static<typeof ClaudeImageBlock>

export const ClaudeDocumentBlock = Type.Object({
  type: Type.Literal('document'),
  source: Type.Union([ClaudeBase64Source, ClaudeUrlSource, ClaudeTextSource, ClaudeFileSource, ClaudeContentSource]),
  title: Type.Optional(Nullable(Type.String())),
  context: Type.Optional(Nullable(Type.String())),
  cache_control: cacheControl
})
export type ClaudeDocumentBlock = Static<typeof ClaudeDocumentBlock>

export const ClaudeToolUseBlock = Type.Object({
  type: Type.Literal('tool_use'),
  id: Type.String(),
  name: Type.String(),
  input: Type.Record(Type.String(), Type.Unknown()),
  cache_control: cacheControl
})
export type ClaudeToolUseBlock = Static<typeof ClaudeToolUseBlock>

export const ClaudeThinkingBlock = Type.Object({
  type: Type.Literal('thinking'),
  thinking: Type.String(),
  /** Required by Anthropic; optional here so blocks a gateway emitted without one can come back. */
  signature: Type.Optional(Type.String())
})
export type ClaudeThinkingBlock = Static<typeof ClaudeThinkingBlock>

export const ClaudeRedactedThinkingBlock = Type.Object({
  type: Type.Literal('redacted_thinking'),
  data: Type.String()
})
export type ClaudeRedactedThinkingBlock = Static<typeof ClaudeRedactedThinkingBlock>

/** Block types modelled canonically; every other `type` is an unknown block. */
export const KNOWN_BLOCK_TYPES = ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'] as const
export type KnownBlockType = typeof KNOWN_BLOCK_TYPES[number]

export const ClaudeUnknownBlock = Type.Object({
  type: Type.Intersect([Type.String(), Type.Not(Type.Union(KNOWN_BLOCK_TYPES.map((t) => Type.Literal(t))))])
})
export type ClaudeUnknownBlock = Static<typeof ClaudeUnknownBlock> & Record<string, unknown>

export const ClaudeToolResultContentBlock = Type.Union([ClaudeTextBlock, ClaudeImageBlock, ClaudeDocumentBlock, ClaudeUnknownBlock])
export type ClaudeToolResultContentBlock = Static<typeof ClaudeToolResultContentBlock>

export const ClaudeToolResultBlock = Type.Object({
  type: Type.Literal('tool_result'),
  tool_use_id: Type.String(),
  content: Type.Optional(Type.Union([Type.Array(ClaudeToolResultContentBlock), Type.String()])),
  is_error: Type.Optional(Type.Boolean()),
  cache_control: cacheControl
})
export type ClaudeToolResultBlock = Static<typeof ClaudeToolResultBlock>

export const ClaudeContentBlock = Type.Union([
  ClaudeTextBlock,
  ClaudeImageBlock,
  ClaudeDocumentBlock,
  ClaudeToolUseBlock,
  ClaudeToolResultBlock,
  ClaudeThinkingBlock,
  ClaudeRedactedThinkingBlock,
  ClaudeUnknownBlock
])
export type ClaudeContentBlock = Static<typeof ClaudeContentBlock>

export type ClaudeKnownBlock =
  | ClaudeTextBlock
  | ClaudeImageBlock
  | ClaudeDocumentBlock
  | ClaudeToolUseBlock
  | ClaudeToolResultBlock
  | ClaudeThinkingBlock
  | ClaudeRedactedThinkingBlock

const KNOWN = new Set<string>(KNOWN_BLOCK_TYPES)

/**
 * Narrows a validated block to the modelled kinds. TypeScript cannot do it from `type` alone, because the unknown
 * block's `type` is any other string.
 */
export function isKnownBlock (block: { type: string }): block is ClaudeKnownBlock {
  return KNOWN.has(block.type)
}

export const ClaudeMessageParam = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.Union([Type.Array(ClaudeContentBlock), Type.String()])
})
export type ClaudeMessageParam = Static<typeof ClaudeMessageParam>

export { Nullable }
