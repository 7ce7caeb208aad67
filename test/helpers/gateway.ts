import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../../plugins/config-loader.js'
import { buildServer } from '../../server.js'
import type { ServerOptions } from '../../server.js'

export interface TestGateway {
  url: string
  app: FastifyInstance
  /** Every log line the server wrote, raw. */
  logs: string[]
  close(): Promise<void>
}

/** Starts the real server on 127.0.0.1 with a random port; log lines are captured for assertions. */
export async function startGateway (config: Record<string, unknown>, opts: Omit<ServerOptions, 'logStream'> = {}): Promise<TestGateway> {
  const logs: string[] = []
  const logStream = new Writable({
    write (chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(line)
      cb()
    }
  })
  const { config: loaded } = loadConfig({ overrides: { HOST: '127.0.0.1', SERVER_PORT: 0, LOG_LEVEL: 'info', REQUEST_BASE_DELAY: 10, ...config } })
  const app = await buildServer(loaded, { ...opts, logStream })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, app, logs, close: async () => { await app.close() } }
}
