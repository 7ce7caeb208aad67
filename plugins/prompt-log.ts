import fp from 'fastify-plugin'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { promptLogEntry, type ExchangeObserver, type ExchangeRecord } from './exchanges.js'

type Destination = ReturnType<typeof pino.destination>

function dayStamp (date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '')
}

/** Records are written in batches of this many bytes, or after FLUSH_MS, whichever comes first. */
const BUFFER_BYTES = 4096
const FLUSH_MS = 1000

/**
 * File mode: JSON Lines at `${base}-YYYYMMDD.jsonl`, one record per exchange, written through an asynchronous
 * SonicBoom destination (never blocks a response), switched at midnight UTC, flushed on close. Records are batched
 * (up to 4 KiB, at most a second late) so a busy gateway does not pay one write syscall per exchange.
 */
export class PromptLogFile implements ExchangeObserver {
  readonly wantsContent = true
  private dayEndsAt = 0
  private dest: Destination | undefined
  private pending = false
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly baseName: string) {}

  fileFor (date: Date): string {
    return resolve(`${this.baseName}-${dayStamp(date)}.jsonl`)
  }

  private destination (nowMs: number): Destination {
    if (this.dest !== undefined && nowMs < this.dayEndsAt) return this.dest
    const now = new Date(nowMs)
    const previous = this.dest
    const path = this.fileFor(now)
    mkdirSync(dirname(path), { recursive: true })
    this.dest = pino.destination({ dest: path, sync: false, minLength: BUFFER_BYTES })
    this.dayEndsAt = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
    previous?.end()
    this.timer ??= setInterval(() => { this.flush() }, FLUSH_MS).unref()
    return this.dest
  }

  private flush (): void {
    if (!this.pending || this.dest === undefined) return
    this.pending = false
    try {
      this.dest.flush()
    } catch {
      // A destination that is closing flushes by itself.
    }
  }

  observe (record: ExchangeRecord): void {
    this.destination(Date.now()).write(JSON.stringify(promptLogEntry(record)) + '\n')
    this.pending = true
  }

  async close (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    const dest = this.dest
    if (dest === undefined) return
    this.dest = undefined
    await new Promise<void>(resolve => {
      dest.once('close', () => resolve())
      dest.once('error', () => resolve())
      dest.end()
    })
  }
}

async function promptLogPlugin (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  if (c.PROMPT_LOG_MODE === 'none') return
  if (c.PROMPT_LOG_MODE === 'console') {
    const log = fastify.log.child({ component: 'prompt-log' })
    fastify.gatewayExchanges.add({ wantsContent: true, observe: record => log.info({ exchange: promptLogEntry(record) }, 'exchange') })
    return
  }
  const file = new PromptLogFile(c.PROMPT_LOG_BASE_NAME)
  fastify.gatewayExchanges.add(file)
  fastify.log.info({ file: file.fileFor(new Date()) }, 'prompt log writing to file')
  fastify.addHook('onClose', async () => { await file.close() })
}

export default fp(promptLogPlugin, {
  name: 'switchboard-prompt-log',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-exchanges']
})
