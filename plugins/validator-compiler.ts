import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'

type Compiler = typeof TypeBoxValidatorCompiler
type Validator = ReturnType<Compiler>

/**
 * TypeBox validators, compiled once per schema and request part. Every API route is registered twice (at the root
 * and under /{provider}) with the same schema objects, so without this each large schema is compiled twice at
 * start-up.
 */
export function cachedTypeBoxCompiler (): Compiler {
  const cache = new WeakMap<object, Map<string, Validator>>()
  return (route) => {
    const schema = route.schema as object
    let byPart = cache.get(schema)
    if (byPart === undefined) {
      byPart = new Map()
      cache.set(schema, byPart)
    }
    const part = route.httpPart ?? ''
    let validator = byPart.get(part)
    if (validator === undefined) {
      validator = TypeBoxValidatorCompiler(route)
      byPart.set(part, validator)
    }
    return validator
  }
}
