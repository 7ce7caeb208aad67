import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * The real CLIs are big (60–100 MB): they are installed on demand, pinned, into a cache folder outside the repository
 * (SWITCHBOARD_CLIENTS_DIR, default $TMPDIR/switchboard-clients), once per version, with npm's ordinary client.
 */
export const CLIENTS_DIR = process.env.SWITCHBOARD_CLIENTS_DIR ?? join(tmpdir(), 'switchboard-clients')

/** Installs pkg@version (if not already there) and returns the path of its JavaScript entry point. */
export async function installClient (pkg: string, version: string, entry: string): Promise<string> {
  const prefix = join(CLIENTS_DIR, `${pkg.replace(/[@/]/g, '_')}-${version}`)
  const script = join(prefix, 'node_modules', pkg, entry)
  if (existsSync(script)) return script
  mkdirSync(prefix, { recursive: true })
  await promisify(execFile)('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `${pkg}@${version}`], { timeout: 600_000 })
  if (!existsSync(script)) throw new Error(`${pkg}@${version} installed, but ${script} is missing`)
  return script
}

/**
 * An HTTP proxy on 127.0.0.1 that refuses everything and records where it was asked to go. The CLIs get it as
 * HTTPS_PROXY/HTTP_PROXY (with NO_PROXY for loopback), so any call that is not to the gateway stays on this machine.
 */
export interface EgressSink { url: string, attempts: string[], close(): Promise<void> }

export async function startEgressSink (): Promise<EgressSink> {
  const attempts: string[] = []
  const server: Server = createServer((req, res) => {
    attempts.push(`${req.method ?? 'GET'} ${req.url ?? ''}`)
    res.writeHead(403).end()
  })
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url ?? ''}`)
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: async () => { server.closeAllConnections(); await new Promise<void>(resolve => server.close(() => resolve())) }
  }
}

function proxyEnv (url: string): Record<string, string> {
  const noProxy = '127.0.0.1,localhost'
  return { HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url, NO_PROXY: noProxy, no_proxy: noProxy }
}

export interface CliResult { code: number | null, stdout: string, stderr: string }

/**
 * Runs a CLI's JavaScript entry with this Node, in `cwd`, with a clean environment: a throwaway HOME (unless given),
 * the sink as the only proxy (when given), and only the variables given. Killed after timeoutMs (a hung client fails the test instead of hanging it).
 */
export async function runCli (script: string, args: string[], opts: { cwd: string, home?: string, env: Record<string, string>, sink?: EgressSink, timeoutMs?: number }): Promise<CliResult> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'swb-cli-home-'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmpdir(),
    LANG: 'C.UTF-8',
    CI: 'true',
    NO_COLOR: '1',
    ...(opts.sink === undefined ? {} : proxyEnv(opts.sink.url)),
    ...opts.env
  }
  // Its own process group: CLIs start children (a native binary, ripgrep, shells), and a timeout must kill them all.
  const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  const timer = setTimeout(() => { stderr += '\n[killed: timeout]'; if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL') }, opts.timeoutMs ?? 120_000)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  if (opts.home === undefined) rmSync(home, { recursive: true, force: true })
  return { code, stdout, stderr }
}

/** The CLI's --output-format json result, or {} when it printed something else (the exit-code assertion says why). */
export function jsonOutput (stdout: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(stdout)
    return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : {}
  } catch {
    return {}
  }
}
