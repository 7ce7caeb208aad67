import { isRecord } from '../json-text.js'

/**
 * The first half of the Gemini schema sanitizer: resolves `$ref` and merges `allOf` at one node, so the second
 * half only sees plain nodes. Children are not visited here; the walk state travels with the node so cycles are
 * caught on the path that expands them.
 */

export type SchemaNode = Record<string, unknown>

export interface SchemaWalk {
  readonly root: SchemaNode
  /** `$ref`s being expanded on the current path (cycle protection). */
  readonly refs: readonly string[]
  readonly depth: number
  /** Shared across the walk: stops pathological reuse from blowing up the output. */
  readonly budget: { nodes: number }
}

export const MAX_DEPTH = 40

/** Resolves a local JSON Pointer (`#/$defs/X`, `#/definitions/X`, `#/properties/a/items`). */
export function resolvePointer (root: SchemaNode, ref: string): unknown {
  if (ref === '#') return root
  if (!ref.startsWith('#/')) return undefined
  let current: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    let key: string
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    } catch {
      return undefined
    }
    if (Array.isArray(current)) current = current[Number(key)]
    else if (isRecord(current)) current = current[key]
    else return undefined
  }
  return current
}

function withoutKey (node: SchemaNode, key: string): SchemaNode {
  const { [key]: _dropped, ...rest } = node
  return rest
}

/**
 * A cyclic or unresolvable reference becomes a plain object: the structure below it cannot be expressed, but
 * the target's title and description still tell the model what goes there.
 */
function stubFor (target: unknown, siblings: SchemaNode): SchemaNode {
  const docs: SchemaNode = {}
  if (isRecord(target) && typeof target.title === 'string') docs.title = target.title
  if (isRecord(target) && typeof target.description === 'string') docs.description = target.description
  return { ...docs, ...siblings, type: 'object' }
}

/**
 * Inlines this node's `$ref` (siblings override the target's keys, e.g. a local description) and merges its
 * `allOf`. Returns the plain node and the walk its children continue with.
 */
export function flattenNode (node: SchemaNode, walk: SchemaWalk): { node: SchemaNode, walk: SchemaWalk } {
  let current = node
  let state = walk
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref
    const siblings = withoutKey(current, '$ref')
    const target = resolvePointer(state.root, ref)
    if (!isRecord(target) || state.refs.includes(ref) || hops > MAX_DEPTH) return { node: stubFor(target, siblings), walk: state }
    current = { ...target, ...siblings }
    state = { ...state, refs: [...state.refs, ref] }
  }
  if (Array.isArray(current.allOf)) return mergeAllOf(current, state)
  return { node: current, walk: state }
}

function mergeAllOf (node: SchemaNode, walk: SchemaWalk): { node: SchemaNode, walk: SchemaWalk } {
  const members = (node.allOf as unknown[]).filter(isRecord)
  let merged = withoutKey(node, 'allOf')
  const refs = new Set(walk.refs)
  for (const member of members) {
    const flat = flattenNode(member, walk)
    for (const ref of flat.walk.refs) refs.add(ref)
    merged = mergeNodes(merged, flat.node)
  }
  return { node: merged, walk: { ...walk, refs: [...refs] } }
}

/**
 * allOf as far as it can be merged without a solver: properties are united (a name in both becomes a nested
 * allOf, merged when that child is visited), required lists are united, numeric bounds tightened, and for every
 * other key the first definition wins (conflicting types or several anyOf lists cannot be expressed).
 */
function mergeNodes (a: SchemaNode, b: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...a }
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key]
    if (existing === undefined) {
      out[key] = value
    } else if (key === 'properties' && isRecord(existing) && isRecord(value)) {
      const props: SchemaNode = { ...existing }
      for (const [name, schema] of Object.entries(value)) {
        const prior = props[name]
        props[name] = prior === undefined ? schema : { allOf: [prior, schema] }
      }
      out.properties = props
    } else if (key === 'required' && Array.isArray(existing) && Array.isArray(value)) {
      out.required = [...new Set([...existing, ...value])]
    } else if ((key === 'minimum' || key === 'minLength' || key === 'minItems') && typeof existing === 'number' && typeof value === 'number') {
      out[key] = Math.max(existing, value)
    } else if ((key === 'maximum' || key === 'maxLength' || key === 'maxItems') && typeof existing === 'number' && typeof value === 'number') {
      out[key] = Math.min(existing, value)
    }
  }
  return out
}
