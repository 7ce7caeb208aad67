import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { installClient, runCli, type CliResult } from './cli-runner.js'

/** Codex CLI as pinned for the test: a Node launcher plus a static (musl) binary in its platform package. */
export const CODEX_VERSION = '0.169.0'

/** Installs @openai/codex@CODEX_VERSION on demand (~150 MB, so not a devDependency): see installClient. */
export async function installCodex (): Promise<string> {
  return await installClient('@openai/codex', CODEX_VERSION, 'bin/codex.js')
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

/**
 * Runs `codex exec PROMPT` in `cwd` with a clean environment (see runCli): CODEX_HOME (and HOME) is `home`, holding
 * `config`, and the key is in SWITCHBOARD_KEY.
 */
export async function runCodex (launcher: string, opts: { cwd: string, home: string, config: string, key: string, prompt: string, timeoutMs?: number }): Promise<CliResult> {
  writeFileSync(join(opts.home, 'config.toml'), opts.config)
  const args = ['exec', '--skip-git-repo-check', '--strict-config', opts.prompt]
  return await runCli(launcher, args, { cwd: opts.cwd, home: opts.home, env: { CODEX_HOME: opts.home, SWITCHBOARD_KEY: opts.key }, ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }) })
}
