import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLIENT_KEY } from './paths.js'
import { freePort, start, type Running } from './processes.js'

/** Starts the processes the bench compares: the fake upstream, the floor proxy, the gateway and Portkey. */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The core the load generator and the fake use; the process under test gets the other one. */
export const LOAD_CPU = 0
export const TARGET_CPU = 1

export interface FakeOptions {
  chunks: number
  chunkSize: number
  coalesce: boolean
}

export async function startFake (o: FakeOptions): Promise<Running> {
  return await start({
    name: 'fake',
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'bench/fake-upstream.ts'), '--chunks', String(o.chunks), '--chunk-size', String(o.chunkSize), ...(o.coalesce ? ['--coalesce'] : [])],
    cpu: LOAD_CPU
  })
}

export async function startFloor (fakeUrl: string, nodeArgs: string[] = []): Promise<Running> {
  return await start({ name: 'floor', command: process.execPath, args: [...nodeArgs, join(ROOT, 'bench/floor-proxy.mjs'), '--upstream', fakeUrl], cpu: TARGET_CPU })
}

/** The reference proxy: Fastify with its default request log, parsing and re-serializing the JSON body. */
export async function startReference (fakeUrl: string, nodeArgs: string[] = []): Promise<Running> {
  return await start({ name: 'reference', command: process.execPath, args: [...nodeArgs, join(ROOT, 'bench/fastify-proxy.mjs'), '--upstream', fakeUrl], cpu: TARGET_CPU })
}

/** A Kiro token file that never needs a refresh. */
function kiroTokenFile (dir: string): string {
  const path = join(dir, 'kiro-auth-token.json')
  writeFileSync(path, JSON.stringify({
    accessToken: 'kiro-bench-access',
    refreshToken: 'kiro-bench-refresh',
    profileArn: 'arn:aws:codewhisperer:us-east-1:123456789012:profile/BENCH',
    expiresAt: '2099-01-01T00:00:00.000Z',
    authMethod: 'social',
    provider: 'Google',
    region: 'us-east-1'
  }), { mode: 0o600 })
  return path
}

export interface GatewayOptions {
  fakeUrl: string
  /** Extra environment (PROMPT_LOG_MODE=file, LOG_LEVEL…). */
  env?: Record<string, string>
  /** Extra node flags (--cpu-prof…). */
  nodeArgs?: string[]
  /** Run the TypeScript sources through tsx instead of the bundle (profiles then name each package and file). */
  fromSource?: boolean
  name?: string
}

/** The gateway's settings shared by every bench run: on loopback, clients authenticate, both API providers at the fake. */
export function gatewayEnv (fakeUrl: string, port: number): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    SERVER_PORT: String(port),
    REQUIRED_API_KEY: CLIENT_KEY,
    MODEL_PROVIDER: 'openai-custom',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    CLAUDE_API_KEY: 'sk-ant-bench',
    CLAUDE_BASE_URL: `${fakeUrl}/v1`
  }
}

/** The built gateway (`node dist/cli.js`) with openai-custom, claude-custom and claude-kiro-oauth at the fake. */
export async function startGateway (o: GatewayOptions): Promise<Running> {
  const cli = o.fromSource === true ? join(ROOT, 'cli.ts') : join(ROOT, 'dist/cli.js')
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)')
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'))
  const port = await freePort()
  return await start({
    name: o.name ?? 'gateway',
    command: process.execPath,
    args: [...(o.nodeArgs ?? []), ...(o.fromSource === true ? ['--import', import.meta.resolve('tsx')] : []), cli],
    cwd: dir,
    env: {
      ...gatewayEnv(o.fakeUrl, port),
      KIRO_OAUTH_CREDS_FILE_PATH: kiroTokenFile(dir),
      KIRO_BASE_URL: `${o.fakeUrl}/generateAssistantResponse`,
      KIRO_REFRESH_URL: `${o.fakeUrl}/refreshToken`,
      KIRO_REFRESH_IDC_URL: `${o.fakeUrl}/token`,
      PROMPT_LOG_BASE_NAME: join(dir, 'prompt_log'),
      ...o.env
    },
    port,
    readyPath: '/health',
    cpu: TARGET_CPU
  })
}

/** Where @portkey-ai/gateway's server script is, when the package is installed. */
export function portkeyScript (): string | undefined {
  try {
    const require = createRequire(join(ROOT, 'package.json'))
    const pkg = require.resolve('@portkey-ai/gateway/package.json')
    const script = join(dirname(pkg), 'build/start-server.js')
    return existsSync(script) ? script : undefined
  } catch {
    return undefined
  }
}

export async function startPortkey (): Promise<Running | undefined> {
  const script = portkeyScript()
  if (script === undefined) return undefined
  const port = await freePort()
  return await start({ name: 'portkey', command: process.execPath, args: [script, `--port=${port}`, '--headless'], port, readyPath: '/', cpu: TARGET_CPU })
}
