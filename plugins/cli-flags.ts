import { parseArgs } from 'node:util'
import { ConfigError } from './config-loader.js'

/** CLI flag → configuration key. The names follow AIClient-2-API's flags so its users' scripts keep working. */
const FLAG_KEYS: Readonly<Record<string, string>> = {
  host: 'HOST',
  port: 'SERVER_PORT',
  'api-key': 'REQUIRED_API_KEY',
  'model-provider': 'MODEL_PROVIDER',
  'log-prompts': 'PROMPT_LOG_MODE',
  'prompt-log-base-name': 'PROMPT_LOG_BASE_NAME',
  'system-prompt-file': 'SYSTEM_PROMPT_FILE_PATH',
  'system-prompt-mode': 'SYSTEM_PROMPT_MODE',
  'openai-api-key': 'OPENAI_API_KEY',
  'openai-base-url': 'OPENAI_BASE_URL',
  'openrouter-api-key': 'OPENROUTER_API_KEY',
  'openrouter-base-url': 'OPENROUTER_BASE_URL',
  'openrouter-referer': 'OPENROUTER_REFERER',
  'openrouter-title': 'OPENROUTER_TITLE',
  'default-model': 'DEFAULT_MODEL',
  'default-model-mode': 'DEFAULT_MODEL_MODE',
  'claude-api-key': 'CLAUDE_API_KEY',
  'claude-base-url': 'CLAUDE_BASE_URL',
  'gemini-api-key': 'GEMINI_API_KEY',
  'gemini-base-url': 'GEMINI_API_BASE_URL',
  'gemini-oauth-creds-file': 'GEMINI_OAUTH_CREDS_FILE_PATH',
  'gemini-oauth-creds-base64': 'GEMINI_OAUTH_CREDS_BASE64',
  'project-id': 'PROJECT_ID',
  'kiro-oauth-creds-file': 'KIRO_OAUTH_CREDS_FILE_PATH',
  'kiro-oauth-creds-base64': 'KIRO_OAUTH_CREDS_BASE64',
  'request-max-retries': 'REQUEST_MAX_RETRIES',
  'request-base-delay': 'REQUEST_BASE_DELAY',
  'cron-near-minutes': 'CRON_NEAR_MINUTES',
  'cron-refresh-token': 'CRON_REFRESH_TOKEN',
  'provider-pools-file': 'PROVIDER_POOLS_FILE_PATH',
  'proxy-url': 'PROXY_URL',
  'proxy-enabled-providers': 'PROXY_ENABLED_PROVIDERS',
  'redis-url': 'REDIS_URL',
  'log-level': 'LOG_LEVEL'
}

const NUMERIC = new Set(['SERVER_PORT', 'REQUEST_MAX_RETRIES', 'REQUEST_BASE_DELAY', 'CRON_NEAR_MINUTES'])

export const USAGE = `Usage: switchboard [--config FILE] [--host H] [--port P] [--api-key KEY] [--model-provider TYPE] [flags]

Every configuration key can also be set as an environment variable of the same name (see .env.example).
Flags: --${Object.keys(FLAG_KEYS).join(' --')}`

/** Parses flags into configuration values; numbers and booleans are converted so validation names the flag's key. */
export function flagsToConfig (argv: string[]): { file?: string, values: Record<string, unknown>, help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' }, help: { type: 'boolean' } }
  for (const flag of Object.keys(FLAG_KEYS)) options[flag] = { type: 'string' }
  const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true })
  const out: Record<string, unknown> = {}
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const raw = values[flag]
    if (typeof raw !== 'string') continue
    if (NUMERIC.has(key)) {
      const n = Number(raw)
      if (!Number.isFinite(n)) throw new ConfigError(key, `--${flag} expects a number, got "${raw}"`)
      out[key] = n
    } else if (key === 'PROXY_ENABLED_PROVIDERS') {
      out[key] = raw.split(',').map(s => s.trim()).filter(s => s !== '')
    } else if (key === 'CRON_REFRESH_TOKEN') {
      out[key] = /^(1|true|yes|on)$/i.test(raw)
    } else {
      out[key] = raw
    }
  }
  return { ...(typeof values.config === 'string' ? { file: values.config } : {}), values: out, help: values.help === true }
}

