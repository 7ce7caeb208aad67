import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { ChatResponse, Protocol, Usage } from '../schemas/canonical.js'

/** One finished client exchange, as the pipeline reports it to observers (prompt log, metrics). */
export interface ExchangeRecord {
  /** When the request arrived (epoch ms); logs format it (see promptLogEntry), metrics never need it. */
  arrivedAt: number
  requestId: string
  /** Name of the client key used (never the key itself). */
  clientKey?: string
  surface: Protocol
  provider: string
  model: string
  stream: boolean
  passthrough: boolean
  /** The body sent upstream (after the system-prompt hook), when an observer asked for content. */
  request?: unknown
  /** The whole response (streams assembled), when an observer asked for content. */
  response?: ChatResponse
  usage?: Usage
  /** Status the client saw (200 for a stream that failed mid-way; see error). */
  status: number
  error?: { kind: string, message: string }
  latencyMs: number
  /** Time until the first byte was written to the client. */
  ttfbMs?: number
  /**
   * The gateway's own time: from arrival to the upstream call, plus (non-stream) from the upstream's complete answer
   * to the reply. Backoff between retries is not counted.
   */
  overheadMs?: number
  attempts: number
}

/** A record as the prompt log writes it: the arrival as an ISO time, first. */
export function promptLogEntry (record: ExchangeRecord): Record<string, unknown> {
  const { arrivedAt, ...rest } = record
  return { time: new Date(arrivedAt).toISOString(), ...rest }
}

export interface ExchangeObserver {
  /** True when the observer wants request/response content (costs assembling streams). */
  readonly wantsContent: boolean
  observe(record: ExchangeRecord): void
}

export class ExchangeHub {
  private readonly observers: ExchangeObserver[] = []
  wantsContent = false

  add (observer: ExchangeObserver): void {
    this.observers.push(observer)
    this.wantsContent ||= observer.wantsContent
  }

  get active (): boolean {
    return this.observers.length > 0
  }

  emit (record: ExchangeRecord): void {
    for (const o of this.observers) {
      try {
        o.observe(record)
      } catch {
        // An observer must never break the exchange it observes.
      }
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    gatewayExchanges: ExchangeHub
  }
}

async function exchangesPlugin (fastify: FastifyInstance): Promise<void> {
  fastify.decorate('gatewayExchanges', new ExchangeHub())
}

export default fp(exchangesPlugin, { name: 'switchboard-exchanges', fastify: '5.x' })
