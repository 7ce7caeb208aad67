import { createHash } from 'node:crypto'
import type { Message, ToolDefinition } from '../../schemas/canonical.js'
import { isRecord } from '../../schemas/json-text.js'

/**
 * Tool definitions for Kiro (FORMATS.md §6, §7 "Tool definitions").
 *
 * Kiro limits, as seen in public proxies: tool names ≤ 64 characters, descriptions ≤ 10,000 characters
 * (AIClient-2-API and kiro-gateway use 10,000; others 10,237 — the lower one is the safe one), and the schema
 * validator rejects `additionalProperties`, empty `required` arrays, `$schema`, and property names starting
 * with `$`. Long names get a deterministic hash suffix and are mapped back through `toolNameMap`.
 */

export const KIRO_TOOL_NAME_MAX = 64
export const KIRO_TOOL_DESCRIPTION_MAX = 10_000

export interface KiroToolSpecification {
  toolSpecification: {
    name: string
    description: string
    inputSchema: { json: Record<string, unknown> }
  }
}

/** The Kiro-side name: the name itself when short enough, else a prefix plus 8 hex digits of its SHA-256. */
export function kiroToolName (name: string): string {
  if (name.length <= KIRO_TOOL_NAME_MAX) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, KIRO_TOOL_NAME_MAX - hash.length - 1)}_${hash}`
}

/**
 * Kiro name → client name, for every tool the request declares or its history calls (the decoder uses the keys
 * to recognise text-form tool calls, so identical names are included too).
 */
export function buildToolNameMap (tools: ToolDefinition[] | undefined, messages: Message[]): Map<string, string> {
  const map = new Map<string, string>()
  for (const tool of tools ?? []) map.set(kiroToolName(tool.name), tool.name)
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    for (const part of message.content) if (part.type === 'tool_call') map.set(kiroToolName(part.name), part.name)
  }
  return map
}

export function toKiroTools (tools: ToolDefinition[]): KiroToolSpecification[] {
  return tools.map((tool) => ({
    toolSpecification: {
      name: kiroToolName(tool.name),
      description: kiroDescription(tool),
      inputSchema: { json: sanitizeSchema(tool.parameters) }
    }
  }))
}

function kiroDescription (tool: ToolDefinition): string {
  const text = tool.description ?? ''
  // Kiro rejects an empty description; the tool's own name is the least invented stand-in.
  if (text.trim() === '') return tool.name
  if (text.length <= KIRO_TOOL_DESCRIPTION_MAX) return text
  let end = KIRO_TOOL_DESCRIPTION_MAX
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end-- // do not split a surrogate pair
  return text.slice(0, end)
}

/** A copy of the schema without the constructs Kiro's validator rejects. */
export function sanitizeSchema (schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'additionalProperties') continue
    if (key === 'properties' && isRecord(value)) {
      out.properties = sanitizeProperties(value)
    } else if (key === 'required' && Array.isArray(value)) {
      const required = value.filter((name) => typeof name !== 'string' || !name.startsWith('$'))
      if (required.length > 0) out.required = required
    } else {
      out[key] = sanitizeValue(value)
    }
  }
  return out
}

function sanitizeProperties (properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(properties)) {
    if (name.startsWith('$')) continue
    out[name] = sanitizeValue(value)
  }
  return out
}

function sanitizeValue (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sanitizeValue)
  return isRecord(value) ? sanitizeSchema(value) : value
}
