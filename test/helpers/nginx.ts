import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'

/** The nginx config the repository ships (the one docker-compose mounts). */
export const SHIPPED_CONF = new URL('../../deploy/nginx.conf', import.meta.url)

function findNginx (): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    if (existsSync(candidate)) return candidate
  }
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

/** Finds nginx, installing Debian's package when it is missing and we may (root); .ci/run does the same. */
export function ensureNginx (): string {
  const found = findNginx()
  if (found !== undefined) return found
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('sh', ['-c', 'apt-get update -qq && (apt-get install -y -qq nginx-light || apt-get install -y -qq nginx)'], { env, stdio: 'ignore', timeout: 300_000 })
    const installed = findNginx()
    if (installed !== undefined) return installed
  }
  throw new Error('nginx is not installed: apt-get install nginx-light (or run .ci/run, which installs it)')
}

/**
 * Rewrites only the lines of the shipped config marked `# test: <kind>`: the listen address, the upstream address,
 * and the pid, log and temp paths. Everything else (buffering, timeouts, forwarded headers) is tested as shipped.
 */
export function templateConf (conf: string, opts: { listenPort: number, upstream: string, dir: string }): string {
  return conf.split('\n').map(line => {
    const kind = /#\s*test:\s*(\w+)/.exec(line)?.[1]
    switch (kind) {
      case undefined: return line
      case 'listen': return line.replace(/listen\s+[^;]+;/, `listen 127.0.0.1:${opts.listenPort};`)
      case 'upstream': return line.replace(/server\s+[^;]+;/, `server ${opts.upstream};`)
      case 'pid': return line.replace(/pid\s+[^;]+;/, `pid ${join(opts.dir, 'nginx.pid')};`)
      case 'error_log': return line.replace(/error_log\s+\S+/, `error_log ${join(opts.dir, 'error.log')}`)
      case 'temp': return line.replace(/(\w+_temp_path)\s+[^;]+;/, (_m, key: string) => `${key} ${join(opts.dir, key)};`)
      default: throw new Error(`nginx.conf: unknown test marker "${kind}"`)
    }
  }).join('\n')
}

export interface RunningNginx {
  url: string
  port: number
  /** The config nginx was started with. */
  conf: string
  errorLog(): string
  stop(): Promise<void>
}

async function waitForPort (port: number, child: ChildProcess, errors: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${errors()}`)
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  throw new Error(`nginx did not listen on ${port}: ${errors()}`)
}

/**
 * Runs nginx in the foreground on 127.0.0.1 with the shipped config in front of `upstream` (host:port).
 * `edit` may change the config further (a control case, e.g. a short read timeout).
 */
export async function startNginx (upstream: string, edit: (conf: string) => string = c => c): Promise<RunningNginx> {
  const bin = ensureNginx()
  const dir = mkdtempSync(join(tmpdir(), 'swb-nginx-'))
  // Workers drop to 'nobody' when the master runs as root: they must reach the temp folders.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const conf = edit(templateConf(readFileSync(SHIPPED_CONF, 'utf8'), { listenPort: port, upstream, dir }))
  const confPath = join(dir, 'nginx.conf')
  writeFileSync(confPath, conf)
  let stderr = ''
  const errorLog = (): string => existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''
  const child = spawn(bin, ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  await waitForPort(port, child, () => stderr + errorLog())
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    conf,
    errorLog,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
