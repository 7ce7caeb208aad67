import fp from 'fastify-plugin'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import type { ExchangeObserver, ExchangeRecord } from './exchanges.js'

type Destination = ReturnType<typeof pino.destination>

function dayStamp (date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '')
}

/**
 * File mode: JSON Lines at `${base}-YYYYMMDD.jsonl`, one record per exchange, written through an asynchronous
 * SonicBoom destination (never blocks a response), switched at midnight UTC, flushed on close.
 */
export class PromptLogFile implements ExchangeObserver {
  readonly wantsContent = true
  private day = ''
  private dest: Destination | undefined

  constructor (private readonly baseName: string) {}

  fileFor (date: Date): string {
    return resolve(`${this.baseName}-${dayStamp(date)}.jsonl`)
  }

  private destination (now: Date): Destination {
    const day = dayStamp(now)
    if (this.dest !== undefined && day === this.day) return this.dest
    const previous = this.dest
    const path = this.fileFor(now)
    mkdirSync(dirname(path), { recursive: true })
    this.dest = pino.destination({ dest: path, sync: false, minLength: 0 })
    this.day = day
    previous?.end()
    return this.dest
  }

  observe (record: ExchangeRecord): void {
    this.destination(new Date()).write(JSON.stringify(record) + '\n')
  }

  async close (): Promise<void> {
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
    fastify.gatewayExchanges.add({ wantsContent: true, observe: record => log.info({ exchange: record }, 'exchange') })
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
