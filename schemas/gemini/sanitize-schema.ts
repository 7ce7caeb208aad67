import { isRecord } from '../json-text.js'
import { flattenNode, MAX_DEPTH, type SchemaNode, type SchemaWalk } from './schema-flatten.js'
import { projectTyped, inferType } from './schema-project.js'

/**
 * JSON Schema → the OpenAPI subset Gemini accepts in `parameters` and `responseSchema` (FORMATS.md §4):
 * `$ref`/`$defs`/`definitions` inlined (a cycle becomes a plain object), `allOf` merged, `oneOf` → `anyOf`,
 * `null` in `anyOf`/type arrays/enums → `nullable`, `const` → `enum`, enum values stringified, unknown keys dropped
 * recursively (property names are kept), `type` added to every node, `format` restricted. Pure.
 */
export function toGeminiSchema (jsonSchema: unknown): Record<string, unknown> {
  const root = isRecord(jsonSchema) ? jsonSchema : {}
  return convertNode(root, { root, refs: [], depth: 0, budget: { nodes: 0 } })
}

/**
 * `toGeminiSchema` for function parameters, whose root must be an object: a root `anyOf` of objects (zod
 * discriminated unions, MCP "one of these shapes") becomes one object with every branch's properties, required
 * only where all branches require them.
 */
export function toGeminiParameters (jsonSchema: unknown): Record<string, unknown> {
  const input = isRecord(jsonSchema) ? jsonSchema : {}
  // An untyped root (`{}`, or properties without type) is the arguments object.
  const bare = input.type === undefined && input.$ref === undefined && input.anyOf === undefined &&
    input.oneOf === undefined && input.allOf === undefined
  const schema = toGeminiSchema(bare ? { ...input, type: 'object' } : input)
  const { nullable: _nullable, ...rest } = schema
  if (rest.type === 'object' || !Array.isArray(rest.anyOf)) return rest
  const branches = rest.anyOf.filter(isRecord)
  if (branches.length === 0 || !branches.every(b => b.type === 'object')) return rest
  const properties: SchemaNode = {}
  for (const branch of branches) Object.assign(properties, isRecord(branch.properties) ? branch.properties : {})
  const required = branches.map(b => (Array.isArray(b.required) ? b.required as unknown[] : []))
    .reduce((acc, list) => acc.filter(name => list.includes(name)))
  const out: SchemaNode = { type: 'object', properties }
  if (typeof rest.description === 'string') out.description = rest.description
  if (required.length > 0) out.required = required
  return out
}

const MAX_NODES = 5000

function isNullSchema (node: SchemaNode): boolean {
  return node.type === 'null' || (Array.isArray(node.type) && node.type.length === 1 && node.type[0] === 'null') ||
    ('const' in node && node.const === null) ||
    (Array.isArray(node.enum) && node.enum.length === 1 && node.enum[0] === null)
}

/** Converts one node (and its subtree). */
export function convertNode (input: unknown, walk: SchemaWalk): SchemaNode {
  walk.budget.nodes++
  const start = isRecord(input) ? input : {}
  if (walk.depth > MAX_DEPTH || walk.budget.nodes > MAX_NODES) return truncated(start)
  const flat = flattenNode(start, walk)
  const node = flat.node
  const child: SchemaWalk = { ...flat.walk, depth: walk.depth + 1 }
  const branches = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined
  if (branches !== undefined) return convertUnion(node, branches, child)
  const types = typeList(node)
  const nullable = node.nullable === true || types.includes('null') ||
    (Array.isArray(node.enum) && node.enum.includes(null)) || ('const' in node && node.const === null)
  const concrete = types.filter(t => t !== 'null')
  if (concrete.length > 1) {
    const options = concrete.map(t => convertNode({ ...withoutDocs(node), type: t, nullable: false }, child))
    return withDocs({ anyOf: options, ...(nullable ? { nullable: true } : {}) }, node)
  }
  const type = concrete[0] ?? (types.length > 0 ? 'string' : inferType(node))
  const out = projectTyped(node, type, child, convertNode)
  if (nullable) out.nullable = true
  return out
}

function convertUnion (node: SchemaNode, branches: unknown[], walk: SchemaWalk): SchemaNode {
  const { anyOf: _a, oneOf: _o, ...own } = node
  let nullable = own.nullable === true
  const options: SchemaNode[] = []
  for (const branch of branches) {
    if (!isRecord(branch)) continue
    const flat = flattenNode(branch, walk)
    if (isNullSchema(flat.node)) {
      nullable = true
      continue
    }
    // Keys beside anyOf (shared properties, a common type) apply to every branch.
    const merged = hasShape(own) ? { allOf: [withoutDocs(own), flat.node] } : flat.node
    options.push(convertNode(merged, flat.walk))
  }
  const single = options[0]
  if (options.length === 0) return withDocs({ type: 'string', nullable: true }, own)
  if (options.length === 1 && single !== undefined) {
    const out = withDocs(single, own)
    if (nullable) out.nullable = true
    return out
  }
  return withDocs({ anyOf: options, ...(nullable ? { nullable: true } : {}) }, own)
}

function hasShape (node: SchemaNode): boolean {
  return node.properties !== undefined || node.items !== undefined || typeof node.type === 'string'
}

function typeList (node: SchemaNode): string[] {
  const raw = node.type
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return [...new Set(list.filter((t): t is string => typeof t === 'string').map(t => t.toLowerCase()))]
}

function withoutDocs (node: SchemaNode): SchemaNode {
  const { description: _d, title: _t, ...rest } = node
  return rest
}

/** Copies the node's own title/description over the converted schema (the outer text is the more specific). */
function withDocs (out: SchemaNode, node: SchemaNode): SchemaNode {
  const result = { ...out }
  if (typeof node.title === 'string') result.title = node.title
  if (typeof node.description === 'string') result.description = node.description
  return result
}

function truncated (node: SchemaNode): SchemaNode {
  return withDocs({ type: 'object' }, node)
}
