import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, loadCollectDefaultMetrics } from './prom-lean.js'
import type { ExchangeObserver, ExchangeRecord } from './exchanges.js'
import { isGatewayError } from './gateway-error.js'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayMetrics: GatewayMetrics
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1]

/**
 * Prometheus metrics on a registry of this gateway instance (never prom-client's global one, so two embedded
 * instances do not clash). Fed by exchange records; credential health is set by the pool.
 */
export class GatewayMetrics implements ExchangeObserver {
  readonly wantsContent = false
  readonly registry = new Registry()
  private readonly requests = new Counter({ name: 'switchboard_requests_total', help: 'Client requests by surface, provider, model and status', labelNames: ['surface', 'provider', 'model', 'status', 'stream'], registers: [this.registry] })
  private readonly latency = new Histogram({ name: 'switchboard_request_duration_seconds', help: 'Whole request time', labelNames: ['surface', 'provider', 'stream'], buckets: LATENCY_BUCKETS, registers: [this.registry] })
  private readonly ttfb = new Histogram({ name: 'switchboard_time_to_first_byte_seconds', help: 'Time until the first response byte was written', labelNames: ['surface', 'provider', 'stream'], buckets: LATENCY_BUCKETS, registers: [this.registry] })
  private readonly overhead = new Histogram({ name: 'switchboard_gateway_overhead_seconds', help: 'Time spent in the gateway itself (total minus upstream)', labelNames: ['surface', 'provider', 'passthrough'], buckets: OVERHEAD_BUCKETS, registers: [this.registry] })
  private readonly tokens = new Counter({ name: 'switchboard_tokens_total', help: 'Tokens in and out', labelNames: ['provider', 'model', 'direction'], registers: [this.registry] })
  private readonly upstreamErrors = new Counter({ name: 'switchboard_upstream_errors_total', help: 'Failed exchanges by error class', labelNames: ['provider', 'kind'], registers: [this.registry] })
  readonly credentialHealth = new Gauge({ name: 'switchboard_credential_healthy', help: '1 when a pool credential is available, 0 while it cools down', labelNames: ['provider', 'credential'], registers: [this.registry] })
  readonly localRefusals = new Counter({ name: 'switchboard_local_refusals_total', help: 'Requests the gateway answered on its own, with no upstream answer to pass on, by reason', labelNames: ['reason'], registers: [this.registry] })
  readonly retries = new Counter({ name: 'switchboard_upstream_attempts_total', help: 'Upstream attempts, retries and failovers included', labelNames: ['provider'], registers: [this.registry] })

  private processMetrics?: Promise<void>

  /**
   * Node process metrics (CPU, memory, event-loop lag, GC), registered on the first scrape rather than at start-up,
   * where loading them cost ~30 ms before the server could answer. Counters and histograms start then; rates from
   * the following scrapes are unaffected.
   */
  async registerProcessMetrics (): Promise<void> {
    this.processMetrics ??= loadCollectDefaultMetrics().then(collect => {
      // prom-client's names already start with process_ or nodejs_: switchboard_process_cpu_user_seconds_total…
      collect({ register: this.registry, prefix: 'switchboard_' })
    })
    await this.processMetrics
  }

  observe (r: ExchangeRecord): void {
    const stream = String(r.stream)
    this.requests.inc({ surface: r.surface, provider: r.provider, model: r.model, status: String(r.status), stream })
    this.latency.observe({ surface: r.surface, provider: r.provider, stream }, r.latencyMs / 1000)
    if (r.ttfbMs !== undefined) this.ttfb.observe({ surface: r.surface, provider: r.provider, stream }, r.ttfbMs / 1000)
    if (r.overheadMs !== undefined) this.overhead.observe({ surface: r.surface, provider: r.provider, passthrough: String(r.passthrough) }, r.overheadMs / 1000)
    if (r.usage !== undefined) {
      this.tokens.inc({ provider: r.provider, model: r.model, direction: 'in' }, r.usage.inputTokens)
      this.tokens.inc({ provider: r.provider, model: r.model, direction: 'out' }, r.usage.outputTokens)
    }
    if (r.attempts > 0) this.retries.inc({ provider: r.provider }, r.attempts)
    if (r.error !== undefined) this.upstreamErrors.inc({ provider: r.provider, kind: r.error.kind })
  }
}

async function metricsPlugin (fastify: FastifyInstance): Promise<void> {
  const metrics = new GatewayMetrics()
  fastify.decorate('gatewayMetrics', metrics)
  fastify.gatewayExchanges.add(metrics)
  // Refusals are raised before any exchange starts (client-key limits in onRequest) as well as after routing.
  fastify.addHook('onError', async (_request, _reply, error) => {
    if (isGatewayError(error) && error.refusal !== undefined) metrics.localRefusals.inc({ reason: error.refusal })
  })
  fastify.addHook('onClose', async () => { metrics.registry.clear() })
}

export default fp(metricsPlugin, { name: 'switchboard-metrics', fastify: '5.x', dependencies: ['switchboard-exchanges'] })
