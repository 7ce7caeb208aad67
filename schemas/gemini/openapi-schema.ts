import { isRecord } from '../json-text.js'

/**
 * Gemini's OpenAPI-subset `Schema` (function `parameters`, `responseSchema`) → plain JSON Schema, so canonical
 * tool definitions always hold JSON Schema: upper-case types become lower-case, `nullable` becomes a `null` type,
 * Gemini-only keys (`format: "enum"`, `propertyOrdering`) are dropped, `example` becomes `examples`. Pure.
 */
export function fromGeminiSchema (schema: unknown): Record<string, unknown> {
  if (!isRecord(schema)) return {}
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case 'type':
        if (typeof value === 'string' && value !== 'TYPE_UNSPECIFIED') out.type = value.toLowerCase()
        break
      case 'properties':
        if (isRecord(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromGeminiSchema(v)]))
        break
      case 'items':
        out.items = fromGeminiSchema(value)
        break
      case 'anyOf':
        if (Array.isArray(value)) out.anyOf = value.map(fromGeminiSchema)
        break
      case 'format':
        if (value !== 'enum') out.format = value
        break
      case 'example':
        out.examples = [value]
        break
      case 'minItems': case 'maxItems': case 'minLength': case 'maxLength': case 'minProperties': case 'maxProperties':
        // int64 fields arrive as JSON strings from proto-aware clients.
        out[key] = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
        break
      case 'nullable': case 'propertyOrdering':
        break
      default:
        out[key] = value
    }
  }
  if (schema.nullable === true) makeNullable(out)
  return out
}

function makeNullable (out: Record<string, unknown>): void {
  if (typeof out.type === 'string') out.type = [out.type, 'null']
  else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }]
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
}
