import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const PoolStrategy = Type.Union([
  Type.Literal('weighted-round-robin'),
  Type.Literal('least-busy'),
  Type.Literal('fill-first')
], { description: 'How the first candidate is chosen; the others follow as failover order' })
export type PoolStrategy = Static<typeof PoolStrategy>

export const PoolMember = Type.Object({
  name: Type.String({ minLength: 1, description: 'Unique within its provider type; the instance id is "<type>/<name>"' }),
  weight: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
  enabled: Type.Boolean({ default: true }),
  models: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    description: 'Allow list: only these models (exact, or a prefix ending in *); absent = every model'
  })),
  deniedModels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Models this member never serves' })),
  concurrencyLimit: Type.Optional(Type.Integer({ minimum: 0, description: 'Requests in flight at once; 0 = no limit' })),
  healthCheck: Type.Optional(Type.Object({
    enabled: Type.Boolean(),
    model: Type.Optional(Type.String({ minLength: 1 }))
  }, { additionalProperties: false })),
  uuid: Type.Optional(Type.String({ description: 'Identity carried over from AIClient-2-API' })),
  options: Type.Record(Type.String(), Type.Unknown(), {
    default: {},
    description: "The provider's own options (credentials, base URL), validated by the provider"
  })
}, { additionalProperties: false })
export type PoolMember = Static<typeof PoolMember>

export const ProviderPool = Type.Object({
  strategy: Type.Optional(PoolStrategy),
  members: Type.Array(PoolMember, { minItems: 1 })
}, { additionalProperties: false })
export type ProviderPool = Static<typeof ProviderPool>

/** Pools keyed by provider type ('openai-custom', 'claude-kiro-oauth', …). */
export const PoolsConfig = Type.Record(Type.String({ minLength: 1 }), ProviderPool)
export type PoolsConfig = Static<typeof PoolsConfig>

/** A pool file or section that cannot be used; `path` names the offending key ('openai-custom[1].weight'). */
export class PoolConfigError extends Error {
  constructor (readonly path: string, message: string) {
    super(`${path}: ${message}`)
    this.name = 'PoolConfigError'
  }
}

/** The id a member's state is kept under, and the Provider.id of its instance. */
export function memberId (type: string, name: string): string {
  return `${type}/${name}`
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function pointerToPath (pointer: string): string {
  return pointer.split('/').slice(1).map(part => /^\d+$/.test(part) ? `[${part}]` : `.${part}`).join('').replace(/^\./, '')
}

/** Applies defaults and validates a native pools section; throws PoolConfigError naming the first bad key. */
export function parsePoolsConfig (input: unknown): PoolsConfig {
  // Value.Default does not descend into Record values, so each pool gets its defaults on its own.
  const value = isRecord(input)
    ? Object.fromEntries(Object.entries(input).map(([type, pool]) => [type, Value.Default(ProviderPool, Value.Clone(pool))]))
    : input
  const first = Value.Errors(PoolsConfig, value).First()
  if (first !== undefined) throw new PoolConfigError(pointerToPath(first.path) || '(root)', first.message)
  const pools = value as PoolsConfig
  for (const [type, pool] of Object.entries(pools)) {
    const seen = new Set<string>()
    pool.members.forEach((member, i) => {
      if (seen.has(member.name)) throw new PoolConfigError(`${type}.members[${i}].name`, `duplicate member name "${member.name}"`)
      seen.add(member.name)
    })
  }
  return pools
}

/** Keys AIClient-2-API writes back into provider_pools.json at run time: read and ignored (our state is in the store). */
const A2_RUNTIME_KEYS = new Set([
  'isHealthy', 'usageCount', 'errorCount', 'lastUsed', 'lastErrorTime', 'lastErrorMessage', 'lastHealthCheckTime',
  'lastHealthCheckModel', 'needsRefresh', 'refreshCount', 'lastRefreshTime', 'scheduledRecoveryTime', '_lastSelectionSeq'
])
/** Node keys that map to PoolMember fields; every other key is the provider's own option (credentials, URLs). */
const A2_MEMBER_KEYS = new Set([
  'customName', 'uuid', 'isDisabled', 'notSupportedModels', 'supportedModels', 'concurrencyLimit', 'queueLimit',
  'checkModelName', 'checkHealth', 'weight'
])

function stringList (value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  const list = value.filter((item): item is string => typeof item === 'string' && item !== '')
  return list.length > 0 ? list : undefined
}

/** A2 reads these with parseInt(x || 0): numbers or numeric strings, 0 meaning none. */
function positiveInt (value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number.parseInt(value, 10) : value
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined
}

function a2MemberName (node: Record<string, unknown>, index: number, taken: Set<string>): string {
  const custom = typeof node.customName === 'string' ? node.customName.trim() : ''
  const uuid = typeof node.uuid === 'string' ? node.uuid : ''
  for (const candidate of [custom, uuid, custom === '' ? '' : `${custom} #${index + 1}`, `#${index + 1}`]) {
    if (candidate !== '' && !taken.has(candidate)) return candidate
  }
  return `#${index + 1}-${taken.size}`
}

function fromA2Node (node: Record<string, unknown>, name: string, path: string, warn: (message: string) => void): PoolMember {
  const options: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (!A2_MEMBER_KEYS.has(key) && !A2_RUNTIME_KEYS.has(key)) options[key] = value
  }
  const member: PoolMember = { name, weight: positiveInt(node.weight) ?? 1, enabled: node.isDisabled !== true && node.isDisabled !== 'true', options }
  const models = stringList(node.supportedModels)
  if (models !== undefined) member.models = models
  const denied = stringList(node.notSupportedModels)
  if (denied !== undefined) member.deniedModels = denied
  const limit = positiveInt(node.concurrencyLimit)
  if (limit !== undefined) member.concurrencyLimit = limit
  if (node.checkHealth !== undefined || typeof node.checkModelName === 'string') {
    member.healthCheck = { enabled: node.checkHealth === true || node.checkHealth === 'true' }
    if (typeof node.checkModelName === 'string' && node.checkModelName !== '') member.healthCheck.model = node.checkModelName
  }
  if (typeof node.uuid === 'string' && node.uuid !== '') member.uuid = node.uuid
  if (positiveInt(node.queueLimit) !== undefined) warn(`${path}.queueLimit: request queueing is not supported; a busy member is skipped instead`)
  return member
}

/**
 * Reads AIClient-2-API's provider_pools.json as it is: an object keyed by provider type, each an array of nodes.
 * customName (else uuid) becomes the member name, isDisabled → enabled, supportedModels/notSupportedModels → the
 * allow/deny lists, concurrencyLimit, checkHealth/checkModelName → healthCheck; credential keys (OPENAI_API_KEY,
 * CLAUDE_BASE_URL, GEMINI_OAUTH_CREDS_FILE_PATH, PROJECT_ID, …) stay verbatim in `options` for the provider.
 * Run-time keys A2 persists in the file (isHealthy, usageCount, errorCount, lastUsed, lastErrorTime…) are ignored:
 * a node A2 had marked unhealthy starts healthy here. Empty pools are left out; `warn` hears what was not carried.
 */
export function fromA2ProviderPools (json: unknown, warn: (message: string) => void = () => {}): PoolsConfig {
  if (!isRecord(json)) throw new PoolConfigError('(root)', 'provider_pools.json must be an object keyed by provider type')
  const pools: PoolsConfig = {}
  for (const [type, nodes] of Object.entries(json)) {
    if (!Array.isArray(nodes)) throw new PoolConfigError(type, 'must be an array of provider nodes')
    const taken = new Set<string>()
    const members = nodes.map((node: unknown, i) => {
      const path = `${type}[${i}]`
      if (!isRecord(node)) throw new PoolConfigError(path, 'must be an object')
      const name = a2MemberName(node, i, taken)
      taken.add(name)
      if (typeof node.customName === 'string' && node.customName.trim() !== '' && name !== node.customName.trim()) {
        warn(`${path}.customName: "${node.customName}" is taken by another node; this member is named "${name}"`)
      }
      return fromA2Node(node, name, path, warn)
    })
    if (members.length === 0) {
      warn(`${type}: empty pool left out`)
      continue
    }
    pools[type] = { members }
  }
  return parsePoolsConfig(pools)
}
