import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { Static, TSchema } from '@sinclair/typebox'
import { invalidRequest, type GatewayError } from './gateway-error.js'

/** JSON pointer → the field notation clients know: /messages/2/content → messages[2].content */
export function formatPath (pointer: string): string {
  let out = ''
  for (const segment of pointer.split('/').slice(1)) {
    const name = segment.replace(/~1/g, '/').replace(/~0/g, '~')
    out += /^\d+$/.test(name) ? `[${name}]` : (out === '' ? name : `.${name}`)
  }
  return out
}

/** The 400 for a field that does not match its schema, worded as every request check words it. */
export function invalidField (field: string, message: string | undefined): GatewayError {
  return invalidRequest(`Invalid field "${field}": ${message ?? 'invalid value'}`, field)
}

/** Throws a 400 GatewayError naming the first bad field, or returns with the body known to match the schema. */
export type BodyCheck<T> = (body: unknown) => asserts body is T

/**
 * A request-body check compiled once from a TypeBox schema, with the same message a route schema gives
 * (`Invalid field "messages[0].role": …`). Used where validation must wait: a surface validates its full schema only
 * when it translates a request, since a passthrough request is the upstream's to judge.
 */
export function compileBodyCheck<T extends TSchema> (schema: T): BodyCheck<Static<T>> {
  const check = TypeCompiler.Compile(schema)
  return (body: unknown): asserts body is Static<T> => {
    if (check.Check(body)) return
    const first = check.Errors(body).First()
    const field = first === undefined ? 'body' : formatPath(first.path) || 'body'
    throw invalidField(field, first?.message)
  }
}
