import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The processes under test: each its own OS process, optionally pinned to a core, with its CPU time and RSS read
 * from /proc (so the numbers are the process's own, whatever the load generator costs).
 */

export const HAS_TASKSET = spawnSync('taskset', ['-V']).status === 0
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100

export interface Running {
  name: string
  pid: number
  port: number
  url: string
  /** Milliseconds from spawn until it answered its readiness check. */
  readyMs: number
  stop(): Promise<void>
}

export interface ProcSample {
  /** User + system CPU time of every thread, in microseconds. */
  cpuUs: number
  rssBytes: number
}

export function sample (pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rss = /VmRSS:\s+(\d+) kB/.exec(status)
  return { cpuUs: ticks * (1e6 / CLK_TCK), rssBytes: Number(rss?.[1] ?? 0) * 1024 }
}

/** Moves a running process (all its threads) to a core. */
export function pin (pid: number, cpu: number | undefined): void {
  if (!HAS_TASKSET || cpu === undefined) return
  spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)])
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

export interface SpawnSpec {
  name: string
  command: string
  args: string[]
  env?: Record<string, string>
  cwd?: string
  cpu?: number
  /** Port known up front (passed in args/env); otherwise read from a `READY <port>` line on stdout. */
  port?: number
  /** A GET that answers 2xx once the process serves (used when `port` is given). */
  readyPath?: string
  timeoutMs?: number
}

async function waitReadyLine (child: ChildProcess, name: string): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8')
      const m = /READY (\d+)/.exec(buffered)
      if (m !== null) {
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve(Number(m[1]))
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', code => reject(new Error(`${name} exited (${String(code)}) before it was ready`)))
  })
}

async function waitHttp (url: string, child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(500) })
      await res.arrayBuffer()
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await sleep(2)
  }
  throw new Error(`${name} was not ready after ${timeoutMs} ms`)
}

/** Spawns a process (pinned with taskset when available) and waits until it serves. */
export async function start (spec: SpawnSpec): Promise<Running> {
  const pinned = HAS_TASKSET && spec.cpu !== undefined
  const command = pinned ? 'taskset' : spec.command
  const args = pinned ? ['-c', String(spec.cpu), spec.command, ...spec.args] : spec.args
  const startedAt = performance.now()
  const child = spawn(command, args, { env: { ...process.env, ...spec.env }, ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }), stdio: ['ignore', 'pipe', 'pipe'] })
  const stderr: string[] = []
  child.stderr?.on('data', (c: Buffer) => { if (stderr.length < 50) stderr.push(c.toString('utf8')) })
  let port: number
  try {
    if (spec.port === undefined) {
      port = await waitReadyLine(child, spec.name)
    } else {
      child.stdout?.resume()
      port = spec.port
      await waitHttp(`http://127.0.0.1:${port}${spec.readyPath ?? '/'}`, child, spec.name, spec.timeoutMs ?? 20_000)
    }
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${(err as Error).message}\n${stderr.join('')}`)
  }
  const readyMs = performance.now() - startedAt
  const pid = child.pid ?? 0
  return {
    name: spec.name,
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    readyMs,
    async stop () {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
}
