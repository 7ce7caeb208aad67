/**
 * The prom-client classes the gateway uses, loaded from prom-client's own files instead of its index. The index
 * also loads the push gateway (zlib, http, https), cluster aggregation and the default process metrics with
 * @opentelemetry/api: require() of the index takes ~50 ms, of these four files ~5 ms. The default metrics load on
 * the first scrape instead (GatewayMetrics.registerProcessMetrics). prom-client has no "exports" map, so these
 * paths resolve; the types still come from 'prom-client'.
 */
import type { Counter as CounterClass, Gauge as GaugeClass, Histogram as HistogramClass, Registry as RegistryClass } from 'prom-client'
import CounterImpl from 'prom-client/lib/counter.js'
import GaugeImpl from 'prom-client/lib/gauge.js'
import HistogramImpl from 'prom-client/lib/histogram.js'
import RegistryImpl from 'prom-client/lib/registry.js'

export const Counter: typeof CounterClass = CounterImpl
export const Gauge: typeof GaugeClass = GaugeImpl
export const Histogram: typeof HistogramClass = HistogramImpl
export const Registry: typeof RegistryClass = RegistryImpl

/** collectDefaultMetrics, loaded on demand. */
export async function loadCollectDefaultMetrics (): Promise<typeof import('prom-client').collectDefaultMetrics> {
  return (await import('prom-client/lib/defaultMetrics.js')).default
}
