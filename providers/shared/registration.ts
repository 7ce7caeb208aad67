import type { FastifyInstance } from 'fastify'
import type { GatewayConfig } from '../../schemas/config.js'
import type { ProtocolReader } from '../../routes/surface-codec.js'
import type { Provider, ProviderDeps } from '../types.js'
import { ConfigError, loadConfig } from '../../plugins/config-loader.js'
import { memberId } from '../../plugins/pool/pool-config.js'

/** The provider types MODEL_PROVIDER names (a comma list; the first is the default). */
export function namedProviders (config: GatewayConfig): string[] {
  return config.MODEL_PROVIDER.split(',').map(s => s.trim()).filter(s => s !== '')
}

export interface ProviderTypeSpec {
  type: string
  /** The upstream protocol's reader (for prompt-logging passthrough responses). */
  reader?: ProtocolReader
  /** Whether the single, non-pool instance has what it needs (a key, a credentials file…). */
  configured(config: GatewayConfig): boolean
  /** Builds one instance; for a pool member, `config` is the global config with the member's options over it. */
  create(id: string, config: GatewayConfig, deps: ProviderDeps): Provider
}

/**
 * Registers a provider type: one instance per pool member when a pool is configured for it, otherwise one instance
 * when its credentials are configured or MODEL_PROVIDER names it.
 */
export function registerProviderType (fastify: FastifyInstance, spec: ProviderTypeSpec): void {
  const config = fastify.gatewayConfig
  if (spec.reader !== undefined) fastify.gatewayProviders.addReader(spec.reader)
  const deps: ProviderDeps = { log: fastify.log, transport: fastify.gatewayTransport, state: fastify.gatewayState }
  const members = fastify.gatewayPools.membersOf(spec.type)
  if (members === undefined) {
    if (!spec.configured(config) && !namedProviders(config).includes(spec.type)) return
    fastify.gatewayProviders.add(spec.create(spec.type, config, { ...deps, transport: fastify.gatewayTransportFor(spec.type, spec.type, config) }))
    return
  }
  members.forEach((member, i) => {
    const id = memberId(spec.type, member.name)
    let merged: GatewayConfig
    try {
      const { config: memberConfig, warnings } = loadConfig({ file: { ...config, ...member.options } })
      for (const w of warnings) fastify.log.warn(`pool ${id}: ${w}`)
      merged = memberConfig
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`${spec.type}.members[${i}].${err.key}`, err.message)
      throw err
    }
    const transport = fastify.gatewayTransportFor(id, spec.type, merged)
    fastify.gatewayProviders.add(spec.create(id, merged, { ...deps, transport, log: fastify.log.child({ provider: id }) }))
    fastify.gatewayPools.register({
      id,
      weight: member.weight,
      enabled: member.enabled,
      ...(member.models === undefined ? {} : { models: member.models }),
      ...(member.deniedModels === undefined ? {} : { deniedModels: member.deniedModels }),
      ...(member.concurrencyLimit === undefined ? {} : { concurrencyLimit: member.concurrencyLimit })
    })
  })
}
