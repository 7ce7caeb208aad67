import { dirname, join, resolve } from 'node:path'
import { defaultKiroTokenPath, loadKiroCredentials } from '../providers/claude-kiro-oauth/token-file.js'
import { readJsonFile, writeJsonFileAtomic } from '../providers/shared/json-file.js'
import { loadCommandConfig, UsageError, type CommandIo } from './io.js'

export const KIRO_USAGE = `Usage: switchboard kiro import FILE [--config FILE] [--kiro-oauth-creds-file PATH]

Copies a Kiro token file (kiro-auth-token.json, written by the Kiro IDE after you sign in) to
KIRO_OAUTH_CREDS_FILE_PATH (default ~/.aws/sso/cache/kiro-auth-token.json) with mode 0600, after checking that it
holds usable credentials. An IdC (Builder ID / Enterprise) login's client file beside it is copied too.`

/** The IdC client file (`<clientIdHash>.json`) the token file depends on, when its client is not inline. */
function clientFileOf (file: Record<string, unknown>): string | undefined {
  const hash = file.clientIdHash
  if (typeof hash !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(hash) || hash.startsWith('.')) return undefined
  return typeof file.clientId === 'string' && typeof file.clientSecret === 'string' ? undefined : `${hash}.json`
}

/** `switchboard kiro import FILE`: validate, then copy into place atomically (0600), unknown fields untouched. */
export async function runKiroImport (argv: string[], io: CommandIo): Promise<number> {
  const [sub, file, ...rest] = argv
  if (sub !== 'import') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`)
  if (file === undefined || file.startsWith('-')) throw new UsageError('missing FILE')
  const config = loadCommandConfig(rest, io)
  const source = resolve(file)
  const target = resolve(config.KIRO_OAUTH_CREDS_FILE_PATH ?? defaultKiroTokenPath())
  // Reads the IdC client file too, so a token file that cannot refresh is refused here, not at the first request.
  const { creds } = await loadKiroCredentials({ filePath: source })
  if (source === target) {
    io.out(`${target} already is the configured Kiro token file; nothing to copy.`)
    return 0
  }
  await writeJsonFileAtomic(target, creds.file, { createDir: true })
  const client = creds.authMethod === 'IdC' ? clientFileOf(creds.file) : undefined
  if (client !== undefined) {
    const read = await readJsonFile(join(dirname(source), client))
    if (read.ok) await writeJsonFileAtomic(join(dirname(target), client), read.value)
  }
  const about = [creds.authMethod, creds.provider, creds.expiresAt === undefined ? undefined : `access token expires ${creds.expiresAt}`]
    .filter(s => s !== undefined).join(', ')
  io.out(`Imported Kiro credentials (${about}) to ${target} (mode 0600)${client === undefined ? '' : `, with ${client}`}.`)
  if (config.KIRO_OAUTH_CREDS_FILE_PATH === undefined) {
    io.out(`Use them with: KIRO_OAUTH_CREDS_FILE_PATH=${target} (or MODEL_PROVIDER=claude-kiro-oauth), then check with "switchboard credentials check".`)
  }
  return 0
}
