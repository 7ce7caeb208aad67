import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { invalidRequest } from '../../../plugins/gateway-error.js'

/** `/content/0/text` → `.content[0].text`: the OpenAI `param` spelling. */
function pointerToParam (pointer: string): string {
  return pointer.split('/').filter(s => s !== '').map(s => /^\d+$/.test(s) ? `[${s}]` : `.${s}`).join('')
}

/**
 * Checks one wire object against its precise schema and narrows it, or throws a 400 naming the first bad field
 * (`input[2].call_id`). The request schema admits every typed item; this is where the kinds we translate are
 * held to their real shape.
 */
export function checkShape<T extends TSchema> (schema: T, value: unknown, param: string): Static<T> {
  if (Value.Check(schema, value)) return value
  const first = Value.Errors(schema, value).First()
  const where = param + (first === undefined ? '' : pointerToParam(first.path))
  const why = first === undefined ? 'is invalid' : first.message.toLowerCase()
  throw invalidRequest(`Invalid value for '${where}': ${why}.`, where)
}
