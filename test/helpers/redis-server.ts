import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { freePort } from './free-port.js'

/** The shared Redis the test machine runs. */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test (or other run) uses. */
export function uniquePrefix (label: string): string {
  return `swb-test:${label}:${process.pid}:${randomUUID()}:`
}

/** Deletes every key under prefix (SCAN + DEL) and closes the admin connection. */
export async function deleteKeys (url: string, prefix: string): Promise<void> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await admin.connect()
    let cursor = '0'
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, c => `\\${c}`)}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await admin.del(...keys)
    } while (cursor !== '0')
  } finally {
    admin.disconnect()
  }
}

/**
 * A private redis-server on its own port, for fault tests that must not disturb the shared Redis (CLIENT PAUSE,
 * SIGSTOP, kill and restart on the same port).
 */
export class PrivateRedis {
  private child: ChildProcess | undefined
  private constructor (readonly port: number) {}

  get url (): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts on a free port; tries another port when a concurrently running test took the chosen one first. */
  static async start (): Promise<PrivateRedis> {
    let lastError: unknown
    for (let i = 0; i < 5; i++) {
      const server = new PrivateRedis(await freePort())
      try {
        await server.restart()
        return server
      } catch (err) {
        lastError = err
      }
    }
    throw lastError
  }

  /** Starts (again) on the same port. */
  async restart (): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'
    ], { stdio: 'ignore' })
    this.child = child
    for (let i = 0; i < 100; i++) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => {})
      try {
        await probe.connect()
        await probe.ping()
        // The answer must come from our child: if it died (port taken), another test's Redis answered.
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`port ${this.port} is taken`)
        return
      } catch (err) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server could not start on port ${this.port}: ${err instanceof Error ? err.message : String(err)}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      } finally {
        probe.disconnect()
      }
    }
    throw new Error(`redis-server did not start on port ${this.port}`)
  }

  /** Freezes the process: connections stay open but nothing is answered. */
  pause (): void {
    this.child?.kill('SIGSTOP')
  }

  resume (): void {
    this.child?.kill('SIGCONT')
  }

  async stop (): Promise<void> {
    const child = this.child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    this.child = undefined
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await exited
  }
}
