import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** Codex CLI as pinned for the test: a Node launcher plus a static (musl) binary in its platform package. */
export const CODEX_VERSION = '0.169.0'

/**
 * Installs @openai/codex@CODEX_VERSION once, with npm's ordinary client, into a cache folder outside the repository
 * ($SWITCHBOARD_CLIENTS_DIR, default $TMPDIR/switchboard-clients): it is ~150 MB, so not a devDependency.
 */
export async function installCodex (): Promise<string> {
  const prefix = join(process.env.SWITCHBOARD_CLIENTS_DIR ?? join(tmpdir(), 'switchboard-clients'), `openai-codex-${CODEX_VERSION}`)
  const launcher = join(prefix, 'node_modules', '@openai', 'codex', 'bin', 'codex.js')
  if (existsSync(launcher)) return launcher
  mkdirSync(prefix, { recursive: true })
  await promisify(execFile)('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@openai/codex@${CODEX_VERSION}`], { timeout: 600_000 })
  if (!existsSync(launcher)) throw new Error(`@openai/codex@${CODEX_VERSION} installed, but ${launcher} is missing`)
  return launcher
}

/**
 * $CODEX_HOME/config.toml for the gateway, as the README shows it: a custom provider on the Responses wire API whose
 * key comes from an environment variable, with analytics off (else events go to ab.chatgpt.com) and plugins off
 * (else the plugin sync calls github.com and chatgpt.com): with both off, the gateway is the only host Codex contacts.
 */
export function codexConfig (baseUrl: string, model = 'gpt-4o'): string {
  return [
    `model = "${model}"`,
    'model_provider = "switchboard"',
    '',
    '[model_providers.switchboard]',
    'name = "Switchboard"',
    `base_url = "${baseUrl}"`,
    'env_key = "SWITCHBOARD_KEY"',
    'wire_api = "responses"',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    ''
  ].join('\n')
}

export interface CodexResult { code: number | null, stdout: string, stderr: string }

/**
 * Runs `codex exec PROMPT` in `cwd` with a clean environment: CODEX_HOME (and HOME) is `home`, holding `config`,
 * the key is in SWITCHBOARD_KEY, nothing else is inherited but PATH. Killed after timeoutMs, so a hung client fails
 * the test instead of hanging it.
 */
export async function runCodex (launcher: string, opts: { cwd: string, home: string, config: string, key: string, prompt: string, timeoutMs?: number }): Promise<CodexResult> {
  writeFileSync(join(opts.home, 'config.toml'), opts.config)
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.home, CODEX_HOME: opts.home, SWITCHBOARD_KEY: opts.key, LANG: 'C.UTF-8', NO_COLOR: '1' }
  const args = ['exec', '--skip-git-repo-check', '--strict-config', opts.prompt]
  // Its own process group: the launcher starts the native binary as a child, and a timeout must kill both.
  const child = spawn(process.execPath, [launcher, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  const timer = setTimeout(() => { stderr += '\n[killed: timeout]'; if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL') }, opts.timeoutMs ?? 120_000)
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}
