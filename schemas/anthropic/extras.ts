import type { Extras } from '../canonical.js'
import { isRecord } from '../json-text.js'

/**
 * What the Anthropic codecs keep in `extras.anthropic`: everything a Claude body holds that the canonical model
 * cannot, so the claude-custom provider can rebuild the body faithfully and every other provider can ignore it.
 */
export interface ClaudeBlockExtra {
  /** Canonical message index (the surface decodes Claude messages one to one). */
  message: number
  /**
   * Canonical part position in that message. An unmapped `block` goes before the part at this position
   * (`parts.length` = after the last); `fields` belong to the part at this position.
   */
  part: number
  /** Position inside a tool_result's content, for blocks nested there. */
  inner?: number
  /** A block the canonical model has no part for (server tool results, search results…), verbatim. */
  block?: Record<string, unknown>
  /** Fields of a mapped block that its canonical part cannot hold (cache_control on tool_use, citations…). */
  fields?: Record<string, unknown>
  /** The block type `fields` came from, so they are only restored onto the same kind of block. */
  type?: string
}

export interface ClaudeExtras {
  /** Top-level body fields with no canonical home (container, mcp_servers, service_tier, context_management…). */
  fields?: Record<string, unknown>
  /** metadata keys other than user_id. */
  metadata?: Record<string, unknown>
  /** The client's thinking config verbatim (adaptive, display and newer modes are restored from it). */
  thinking?: Record<string, unknown>
  /** output_config.effort as the client sent it: only then is an effort sent back to Anthropic. */
  effort?: string
  /** output_config keys other than effort and format. */
  outputConfig?: Record<string, unknown>
  /** Server tools at their original positions in `tools`. */
  serverTools?: Array<{ index: number, tool: Record<string, unknown> }>
  /** Unmodelled fields of custom tools, by tool name (input_examples, defer_loading…). */
  toolFields?: Record<string, Record<string, unknown>>
  blocks?: ClaudeBlockExtra[]
  /** Response side: content blocks the canonical response cannot hold, with their position in `content`. */
  content?: Array<{ index: number, block: Record<string, unknown> }>
}

function recordOf (value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined
}

function arrayOf<T> (value: unknown, check: (item: unknown) => item is T): T[] | undefined {
  return Array.isArray(value) ? value.filter(check) : undefined
}

function isBlockExtra (item: unknown): item is ClaudeBlockExtra {
  return isRecord(item) && typeof item.message === 'number' && typeof item.part === 'number'
}

function isPlaced (item: unknown): item is { index: number, block: Record<string, unknown> } {
  return isRecord(item) && typeof item.index === 'number' && isRecord(item.block)
}

function isServerTool (item: unknown): item is { index: number, tool: Record<string, unknown> } {
  return isRecord(item) && typeof item.index === 'number' && isRecord(item.tool)
}

/** Reads `extras.anthropic` back, dropping anything that does not have the shape this module writes. */
export function readClaudeExtras (extras: Extras | undefined): ClaudeExtras {
  const raw = extras?.anthropic
  if (raw === undefined) return {}
  const out: ClaudeExtras = {}
  const fields = recordOf(raw.fields)
  if (fields !== undefined) out.fields = fields
  const metadata = recordOf(raw.metadata)
  if (metadata !== undefined) out.metadata = metadata
  const thinking = recordOf(raw.thinking)
  if (thinking !== undefined) out.thinking = thinking
  if (typeof raw.effort === 'string') out.effort = raw.effort
  const outputConfig = recordOf(raw.outputConfig)
  if (outputConfig !== undefined) out.outputConfig = outputConfig
  const serverTools = arrayOf(raw.serverTools, isServerTool)
  if (serverTools !== undefined) out.serverTools = serverTools
  const toolFields = recordOf(raw.toolFields)
  if (toolFields !== undefined) {
    out.toolFields = Object.fromEntries(Object.entries(toolFields).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])))
  }
  const blocks = arrayOf(raw.blocks, isBlockExtra)
  if (blocks !== undefined) out.blocks = blocks
  const content = arrayOf(raw.content, isPlaced)
  if (content !== undefined) out.content = content
  return out
}

/** `{ anthropic: extras }`, or undefined when there is nothing to keep. */
export function toExtras (extras: ClaudeExtras): Extras | undefined {
  const entries = Object.entries(extras).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
  if (entries.length === 0) return undefined
  return { anthropic: Object.fromEntries(entries) }
}

/** The keys of `block` not in `known` whose value is not null/undefined, or undefined when there are none. */
export function leftoverFields (block: Record<string, unknown>, known: readonly string[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(block)) {
    if (known.includes(key) || value === undefined || value === null) continue
    out ??= {}
    out[key] = value
  }
  return out
}
