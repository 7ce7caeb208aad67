import { isRecord } from '../json-text.js'
import type { SchemaNode, SchemaWalk } from './schema-flatten.js'

/**
 * The second half of the Gemini schema sanitizer: keeps only the keys Gemini's Schema knows, and only those that
 * fit the node's type (FORMATS.md §4 allowed keys).
 */

type Convert = (node: unknown, walk: SchemaWalk) => SchemaNode

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object'])
const STRING_FORMATS = new Set(['enum', 'date-time'])
const NUMBER_FORMATS: Record<string, Set<string>> = {
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64'])
}

/** The type a node without one most likely means. */
export function inferType (node: SchemaNode): string {
  if (node.properties !== undefined || node.additionalProperties !== undefined || node.required !== undefined ||
    node.patternProperties !== undefined || node.minProperties !== undefined) return 'object'
  if (node.items !== undefined || node.prefixItems !== undefined || node.minItems !== undefined ||
    node.maxItems !== undefined) return 'array'
  if (node.enum !== undefined || 'const' in node) return 'string'
  if (node.minimum !== undefined || node.maximum !== undefined || node.exclusiveMinimum !== undefined ||
    node.exclusiveMaximum !== undefined || node.multipleOf !== undefined) return 'number'
  return 'string'
}

function count (value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined
}

function copyCount (out: SchemaNode, node: SchemaNode, key: string, from: string = key): void {
  const n = count(node[from])
  if (n !== undefined && out[key] === undefined) out[key] = n
}

/** Enum values as strings (Gemini accepts enums on STRING only); null is handled as nullable by the caller. */
function enumValues (node: SchemaNode): unknown[] | undefined {
  if (Array.isArray(node.enum)) return node.enum
  if ('const' in node) return [node.const]
  return undefined
}

function stringify (value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export function projectTyped (node: SchemaNode, rawType: string, walk: SchemaWalk, convert: Convert): SchemaNode {
  const type = TYPES.has(rawType) ? rawType : inferType(node)
  const out: SchemaNode = { type }
  if (typeof node.title === 'string') out.title = node.title
  if (typeof node.description === 'string') out.description = node.description
  if (type === 'string') projectString(out, node)
  else if (type === 'number' || type === 'integer') projectNumber(out, node, type)
  else if (type === 'array') projectArray(out, node, walk, convert)
  else if (type === 'object') projectObject(out, node, walk, convert)
  else if (enumValues(node) !== undefined) noteValues(out, node)
  projectExample(out, node, type)
  return out
}

function projectString (out: SchemaNode, node: SchemaNode): void {
  const values = enumValues(node)?.filter(v => v !== null)
  if (values !== undefined && values.length > 0) out.enum = [...new Set(values.map(stringify))]
  if (typeof node.format === 'string' && STRING_FORMATS.has(node.format)) out.format = node.format
  copyCount(out, node, 'minLength')
  copyCount(out, node, 'maxLength')
  if (typeof node.pattern === 'string') out.pattern = node.pattern
}

function projectNumber (out: SchemaNode, node: SchemaNode, type: string): void {
  copyCount(out, node, 'minimum')
  copyCount(out, node, 'minimum', 'exclusiveMinimum')
  copyCount(out, node, 'maximum')
  copyCount(out, node, 'maximum', 'exclusiveMaximum')
  if (typeof node.format === 'string' && NUMBER_FORMATS[type]?.has(node.format) === true) out.format = node.format
  noteValues(out, node)
}

/**
 * Numeric and boolean enums cannot be expressed (enum is STRING-only) and stringifying them would change the
 * argument type the tool receives, so the allowed values move into the description instead.
 */
function noteValues (out: SchemaNode, node: SchemaNode): void {
  const values = enumValues(node)?.filter(v => v !== null)
  if (values === undefined || values.length === 0) return
  const note = `Allowed values: ${values.map(stringify).join(', ')}`
  out.description = typeof out.description === 'string' && out.description !== '' ? `${out.description} (${note})` : note
}

function projectArray (out: SchemaNode, node: SchemaNode, walk: SchemaWalk, convert: Convert): void {
  const tuple = Array.isArray(node.prefixItems) ? node.prefixItems : Array.isArray(node.items) ? node.items : undefined
  if (tuple !== undefined) {
    // Tuples cannot be expressed: any position's schema is allowed at every position.
    out.items = tuple.length === 1 ? convert(tuple[0], walk) : convert({ anyOf: tuple }, walk)
  } else if (isRecord(node.items)) {
    out.items = convert(node.items, walk)
  } else {
    // Gemini rejects an ARRAY without items.
    out.items = { type: 'string' }
  }
  copyCount(out, node, 'minItems')
  copyCount(out, node, 'maxItems')
}

function projectObject (out: SchemaNode, node: SchemaNode, walk: SchemaWalk, convert: Convert): void {
  const names: string[] = []
  if (isRecord(node.properties)) {
    const properties: SchemaNode = {}
    for (const [name, schema] of Object.entries(node.properties)) {
      properties[name] = convert(schema, walk)
      names.push(name)
    }
    out.properties = properties
  }
  if (Array.isArray(node.required)) {
    const required = [...new Set(node.required.filter((n): n is string => typeof n === 'string' && names.includes(n)))]
    if (required.length > 0) out.required = required
  }
  copyCount(out, node, 'minProperties')
  copyCount(out, node, 'maxProperties')
  if (Array.isArray(node.propertyOrdering)) {
    const order = node.propertyOrdering.filter((n): n is string => typeof n === 'string' && names.includes(n))
    if (order.length > 0) out.propertyOrdering = order
  }
}

function matchesType (value: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'integer': return Number.isInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'array': return Array.isArray(value)
    default: return isRecord(value)
  }
}

/** `default` and `example` are kept only when they fit the type: a mismatched one is a 400 on some models. */
function projectExample (out: SchemaNode, node: SchemaNode, type: string): void {
  if (node.default !== undefined && node.default !== null && matchesType(node.default, type) &&
    (type !== 'string' || !Array.isArray(out.enum) || out.enum.includes(node.default))) out.default = node.default
  const example = node.example !== undefined ? node.example : Array.isArray(node.examples) ? node.examples[0] : undefined
  if (example !== undefined && example !== null && matchesType(example, type)) out.example = example
}
