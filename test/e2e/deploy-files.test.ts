import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { execForm, parseDockerfile } from '../helpers/dockerfile.js'
import { freePort } from '../helpers/free-port.js'
import { SHARED_REDIS_URL } from '../helpers/redis-server.js'

// Docker cannot run here: the compose file and Dockerfile are checked for structure, and what the container runs
// (its command with compose's environment, both healthchecks) is run for real.

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')
type Json = Record<string, unknown>
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Json>, networks: Record<string, Json> }
const gateway = compose.services.gateway as { environment: Record<string, string>, volumes: string[], healthcheck: { test: string[] }, [k: string]: unknown }
const nginx = compose.services.nginx as { ports: string[], volumes: string[], networks: Record<string, { ipv4_address: string }>, depends_on: Json }
const stages = parseDockerfile(read('Dockerfile'))
const runtime = stages.at(-1)
const instructions = (keyword: string): string[] => runtime?.instructions.filter(i => i.keyword === keyword).map(i => i.args) ?? []

function inCidr (ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/')
  const toInt = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0)
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0)
}

t.test('docker-compose.yml: the gateway, Redis for shared state, nginx in front', async t => {
  t.same(Object.keys(compose.services).sort(), ['gateway', 'nginx', 'redis'])
  const env = gateway.environment
  t.equal(env.REDIS_URL, 'redis://redis:6379', 'shared state in the redis service')
  t.equal(env.HOST, '0.0.0.0')
  t.match(env.REQUIRED_API_KEY, /^\$\{REQUIRED_API_KEY:\?/, 'compose refuses to start without a client key')
  t.equal(gateway.ports, undefined, 'the gateway is not published: clients go through nginx')
  t.match(gateway.depends_on, { redis: { condition: 'service_healthy' } })
  t.ok(Number.parseInt(String(gateway.stop_grace_period)) > 30, 'Docker waits longer than SHUTDOWN_GRACE_MS before SIGKILL')

  // Client IPs: only nginx's own address is trusted for X-Forwarded-For.
  const nginxIp = nginx.networks.switchboard?.ipv4_address ?? ''
  t.equal(env.TRUST_PROXY, nginxIp, 'TRUST_PROXY is exactly nginx\'s address')
  const subnet = ((compose.networks.switchboard?.ipam as { config: Array<{ subnet: string }> }).config[0]?.subnet) ?? ''
  t.ok(inCidr(nginxIp, subnet), `nginx's ${nginxIp} lies in the network's ${subnet}`)

  // Volumes: the ones the image declares, and the prompt log inside its volume.
  const targets = gateway.volumes.map(v => v.split(':')[1])
  t.same(targets.sort(), ['/config', '/credentials', '/data/logs'])
  t.same(instructions('VOLUME').flatMap(execForm).sort(), ['/config', '/credentials', '/data/logs'], 'Dockerfile VOLUME matches')
  t.match(env.PROMPT_LOG_BASE_NAME, /^\/data\/logs\//)

  // nginx: the shipped config, the published port is the one it listens on, upstream is the gateway service.
  const conf = read('deploy/nginx.conf')
  t.ok(nginx.volumes.includes('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro'))
  const listen = /listen\s+(\d+);/.exec(conf)?.[1]
  t.ok(nginx.ports.some(p => p.endsWith(`:${String(listen)}`)), `nginx publishes its listen port ${String(listen)}`)
  t.match(conf, new RegExp(`server\\s+gateway:${env.SERVER_PORT};`), 'nginx upstream is gateway:SERVER_PORT')
  t.match(nginx.depends_on, { gateway: { condition: 'service_healthy' } })
  for (const directive of ['proxy_buffering off;', 'proxy_cache off;', 'gzip off;', 'proxy_http_version 1.1;', 'X-Forwarded-For $proxy_add_x_forwarded_for;']) {
    t.ok(conf.includes(directive), `nginx.conf: ${directive}`)
  }
})

t.test('Dockerfile: multi-stage, non-root, HEALTHCHECK, no secrets in the build context', async t => {
  t.ok(stages.length >= 2, 'multi-stage')
  t.ok(stages.every(s => /^node:20[.-]/.test(s.from)), 'Node 20, as package.json engines says')
  const user = instructions('USER').at(-1)
  t.ok(user !== undefined && user !== 'root' && user !== '0', `runs as ${String(user)}`)
  t.ok(instructions('HEALTHCHECK').length === 1, 'HEALTHCHECK')
  t.same(execForm(instructions('CMD').at(-1) ?? ''), ['node', 'dist/cli.js'])
  const ignored = read('.dockerignore').split('\n').map(l => l.trim())
  for (const entry of ['.env', 'node_modules', '.git', 'logs']) t.ok(ignored.includes(entry), `.dockerignore has ${entry}`)
})

t.test('the runtime stage needs only production dependencies', async t => {
  const pkg = JSON.parse(read('package.json')) as { dependencies: Json }
  const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] }
  const dirs = build.include.map(p => p.split('/')[0] ?? '').filter(d => !d.includes('*') && existsSync(new URL(d, root)))
  const files = [...readdirSync(root).filter(f => f.endsWith('.ts')), ...dirs.flatMap(d => readdirSync(new URL(d, root), { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts')).map(f => `${d}/${f}`))]
  t.ok(files.length > 50, `scanned ${files.length} source files`)
  const missing = new Set<string>()
  for (const file of files) {
    for (const m of read(file).matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+'([^'.][^']*)'/gm)) {
      const spec = m[1] ?? ''
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] ?? ''
      if (spec.startsWith('node:') || builtinModules.includes(name)) continue
      if (!(name in pkg.dependencies)) missing.add(`${name} (${file})`)
    }
  }
  t.same([...missing], [], 'every runtime import is a dependency (npm prune --omit=dev keeps it)')
})

t.test('the container command starts with compose\'s environment and both healthchecks see it', async t => {
  const port = await freePort()
  const logs = mkdtempSync(join(tmpdir(), 'swb-deploy-'))
  // Compose's values, except what only exists inside Docker's network (redis host, /data) and the bind address.
  const env = {
    ...gateway.environment,
    REQUIRED_API_KEY: 'deploy-test-key',
    HOST: '127.0.0.1',
    SERVER_PORT: String(port),
    REDIS_URL: SHARED_REDIS_URL,
    PROMPT_LOG_BASE_NAME: join(logs, 'prompt_log')
  }
  // The image's CMD on the built tree (npm test builds first), as in the container's /app.
  const [, ...cmd] = execForm(instructions('CMD').at(-1) ?? '')
  const child = spawn(process.execPath, cmd, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => { output += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { output += c.toString('utf8') })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })

  const dockerCheck = instructions('HEALTHCHECK')[0]?.replace(/^(--\S+\s+)*CMD\s+/, '') ?? ''
  const runCheck = async (argv: string[]): Promise<number> => await promisify(execFile)(argv[0] ?? 'false', argv.slice(1), { env: { PATH: process.env.PATH ?? '', SERVER_PORT: String(port) } }).then(() => 0, (e: { code?: number }) => e.code ?? 1)
  let healthy = 1
  for (let i = 0; i < 100 && healthy !== 0 && child.exitCode === null; i++) {
    healthy = await runCheck(execForm(dockerCheck))
    if (healthy !== 0) await new Promise(resolve => setTimeout(resolve, 200))
  }
  t.equal(healthy, 0, `the Dockerfile HEALTHCHECK passes${healthy === 0 ? '' : `: ${output}`}`)
  const composeCheck = gateway.healthcheck.test.slice(1).map(a => a.replace(`:${gateway.environment.SERVER_PORT ?? ''}/health`, `:${port}/health`))
  t.equal(await runCheck(composeCheck), 0, 'the compose healthcheck passes')
  t.match(output, /shared state: redis/, 'the gateway reached Redis at REDIS_URL')

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM (docker stop) shuts down cleanly')
  t.equal(await runCheck(execForm(dockerCheck)), 1, 'the healthcheck fails once the gateway is gone')
})

t.test('the README\'s docker section matches the files', async t => {
  const readme = read('README.md')
  const section = readme.slice(readme.indexOf('## Deploy'))
  t.ok(readme.includes('## Deploy'), 'README has a Deploy section')
  for (const line of ['cp .env.example .env', 'mkdir -p config credentials logs', 'docker compose up -d']) {
    t.ok(section.includes(line), `README: ${line}`)
  }
  t.ok(existsSync(new URL('.env.example', root)), '.env.example exists')
  const published = nginx.ports[0]?.split(':')[0] ?? ''
  t.ok(section.includes(`:${published}`), `README names the published port ${published}`)
  t.ok(section.includes('TRUST_PROXY'), 'README explains TRUST_PROXY')
})
