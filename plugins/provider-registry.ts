import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { ModelInfo, Protocol } from '../schemas/canonical.js'
import type { Provider, ProviderCallContext } from '../providers/types.js'
import type { ProtocolReader } from '../routes/surface-codec.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayProviders: ProviderRegistry
  }
}

interface CachedModels { at: number, models: ModelInfo[] }

/**
 * The configured providers, by type. A type may have several instances (pool members, issue #5); routing picks
 * among them. Also holds each upstream protocol's reader, for decoding passthrough responses for the prompt log.
 */
export class ProviderRegistry {
  private readonly byType = new Map<string, Provider[]>()
  private readonly readers = new Map<Protocol, ProtocolReader>()
  private readonly modelCache = new Map<string, CachedModels>()
  private readonly modelLoads = new Map<string, Promise<ModelInfo[]>>()

  constructor (private readonly modelsTtlMs: number) {}

  add (provider: Provider): void {
    const list = this.byType.get(provider.type) ?? []
    if (list.some(p => p.id === provider.id)) throw new Error(`Provider id "${provider.id}" registered twice`)
    list.push(provider)
    this.byType.set(provider.type, list)
  }

  addReader (reader: ProtocolReader): void {
    this.readers.set(reader.protocol, reader)
  }

  reader (protocol: Protocol): ProtocolReader | undefined {
    return this.readers.get(protocol)
  }

  /** Instances of a type, in configuration order. */
  ofType (type: string): readonly Provider[] {
    return this.byType.get(type) ?? []
  }

  has (type: string): boolean {
    return this.byType.has(type)
  }

  types (): string[] {
    return [...this.byType.keys()]
  }

  all (): Provider[] {
    return [...this.byType.values()].flat()
  }

  /** The provider's model list, cached for the configured TTL; concurrent callers share one upstream fetch. */
  async models (provider: Provider, ctx: ProviderCallContext): Promise<ModelInfo[]> {
    const cached = this.modelCache.get(provider.id)
    if (cached !== undefined && Date.now() - cached.at < this.modelsTtlMs) return cached.models
    const pending = this.modelLoads.get(provider.id)
    if (pending !== undefined) return await pending
    const load = provider.listModels(ctx).then(models => {
      this.modelCache.set(provider.id, { at: Date.now(), models })
      return models
    }).finally(() => this.modelLoads.delete(provider.id))
    this.modelLoads.set(provider.id, load)
    return await load
  }

  async close (): Promise<void> {
    await Promise.allSettled(this.all().map(async p => await p.close?.()))
  }
}

async function providerRegistryPlugin (fastify: FastifyInstance): Promise<void> {
  const registry = new ProviderRegistry(fastify.gatewayConfig.MODELS_CACHE_TTL_MS)
  fastify.decorate('gatewayProviders', registry)
  fastify.addHook('onClose', async () => { await registry.close() })
}

export default fp(providerRegistryPlugin, {
  name: 'switchboard-providers',
  fastify: '5.x',
  dependencies: ['switchboard-config']
})
