import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Provider } from '../providers/types.js'
import { buildServer } from '../server.js'
import { loadCommandConfig, UsageError, type CommandIo } from './io.js'

export const CREDENTIALS_USAGE = `Usage: switchboard credentials check [--config FILE] [flags]

Refreshes every configured OAuth credential now (gemini-cli-oauth and claude-kiro-oauth, pool members included)
and shows its project, models and token expiry, or what is wrong with it. Exits non-zero when any fails.`

const CHECK_TIMEOUT_MS = 120_000

/** A provider that can verify its own credential (OAuth providers implement it). */
interface CheckableProvider extends Provider {
  checkCredentials(signal: AbortSignal): Promise<Record<string, unknown>>
}

function isCheckable (provider: Provider): provider is CheckableProvider {
  return typeof (provider as Partial<CheckableProvider>).checkCredentials === 'function'
}

/** "token valid until …; project p (tier); models a, b" from whatever the provider reported. */
export function describeCheck (result: Record<string, unknown>): string {
  const parts: string[] = []
  const text = (value: unknown): string => Array.isArray(value) ? value.map(String).join(', ') : String(value)
  if (result.expiresAt !== undefined) parts.push(`token valid until ${text(result.expiresAt)}`)
  if (result.project !== undefined) parts.push(`project ${text(result.project)}${result.tier === undefined ? '' : ` (${text(result.tier)})`}`)
  if (result.profileArn !== undefined) parts.push(`profile ${text(result.profileArn)}`)
  if (result.models !== undefined) parts.push(`models ${text(result.models)}`)
  for (const [key, value] of Object.entries(result)) {
    if (!['expiresAt', 'project', 'tier', 'profileArn', 'models'].includes(key) && value !== undefined) parts.push(`${key} ${text(value)}`)
  }
  return parts.join('; ')
}

/**
 * `switchboard credentials check`: builds the gateway exactly as `serve` would (without listening), so pools and
 * every config source apply, then checks each provider that has a `checkCredentials` method, one at a time.
 */
export async function runCredentialsCheck (argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv
  if (sub !== 'check') throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`)
  const config = loadCommandConfig(rest, io)
  // Warnings (a credential that could not be written back, for example) go to stderr; no background refreshes.
  const logStream = new Writable({ write (chunk: Buffer, _enc, cb) { io.err(chunk.toString('utf8').trimEnd()); cb() } })
  let gateway: FastifyInstance | undefined
  const app = await buildServer({ ...config, CRON_REFRESH_TOKEN: false, LOG_LEVEL: 'warn' }, { logStream, onGateway: g => { gateway = g } })
  try {
    await app.ready()
    const providers = gateway?.gatewayProviders.all().filter(isCheckable) ?? []
    if (providers.length === 0) {
      io.err('No OAuth credentials are configured. Set GEMINI_OAUTH_CREDS_FILE_PATH or KIRO_OAUTH_CREDS_FILE_PATH (or their _BASE64 forms, or pool members), or run "switchboard login gemini".')
      return 1
    }
    let failed = 0
    for (const provider of providers) {
      try {
        io.out(`OK    ${provider.id}: ${describeCheck(await provider.checkCredentials(AbortSignal.timeout(CHECK_TIMEOUT_MS)))}`)
      } catch (err) {
        failed++
        io.out(`FAIL  ${provider.id}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    io.out(failed === 0 ? `All ${providers.length} OAuth credential(s) work.` : `${failed} of ${providers.length} OAuth credential(s) need attention.`)
    return failed === 0 ? 0 : 1
  } finally {
    await app.close()
  }
}
