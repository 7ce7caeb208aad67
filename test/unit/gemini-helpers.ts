import type { TranslateContext } from '../../schemas/translate-context.js'
import { isRecord } from '../../schemas/json-text.js'

/** Deterministic context: ids count up per prefix, the clock is fixed. */
export function fixedContext (now = 1_760_000_000_000): TranslateContext {
  const counters = new Map<string, number>()
  return {
    now: () => now,
    id: (prefix: string) => {
      const n = (counters.get(prefix) ?? 0) + 1
      counters.set(prefix, n)
      return `${prefix}${n}`
    }
  }
}

const ALLOWED = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'items', 'properties', 'required',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum',
  'anyOf', 'propertyOrdering', 'default', 'example'])
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object'])

/** Every violation of Gemini's schema subset (FORMATS.md §4), with its path; [] when the schema is acceptable. */
export function geminiSchemaViolations (schema: unknown, path = '$'): string[] {
  if (!isRecord(schema)) return [`${path}: not an object`]
  const out: string[] = []
  for (const key of Object.keys(schema)) if (!ALLOWED.has(key)) out.push(`${path}: unknown key ${key}`)
  if (Array.isArray(schema.anyOf)) {
    schema.anyOf.forEach((b, i) => out.push(...geminiSchemaViolations(b, `${path}.anyOf[${i}]`)))
  } else if (typeof schema.type !== 'string' || !TYPES.has(schema.type)) {
    out.push(`${path}: bad type ${JSON.stringify(schema.type)}`)
  }
  if (schema.enum !== undefined) {
    if (schema.type !== 'string') out.push(`${path}: enum on ${String(schema.type)}`)
    if (!Array.isArray(schema.enum) || !schema.enum.every(v => typeof v === 'string')) out.push(`${path}: non-string enum`)
  }
  if (schema.format !== undefined && !['enum', 'date-time', 'float', 'double', 'int32', 'int64'].includes(String(schema.format))) {
    out.push(`${path}: format ${String(schema.format)}`)
  }
  if (schema.type === 'array') {
    if (schema.items === undefined) out.push(`${path}: array without items`)
    else out.push(...geminiSchemaViolations(schema.items, `${path}.items`))
  }
  if (isRecord(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) out.push(...geminiSchemaViolations(child, `${path}.properties.${name}`))
    if (Array.isArray(schema.required)) {
      for (const name of schema.required) if (!(String(name) in schema.properties)) out.push(`${path}: required ${String(name)} missing`)
    }
  } else if (schema.required !== undefined) {
    out.push(`${path}: required without properties`)
  }
  return out
}
