import { readFileSync } from 'node:fs'
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import { GatewayConfig } from '../schemas/config.js'
import { ConfigError } from './config-error.js'
import { parseProxyUrl } from './proxy-settings.js'

export { ConfigError }

export interface ConfigSources {
  /** Parsed JSON config file (AIClient-2-API config.json or ours). */
  file?: Record<string, unknown>
  env?: Record<string, string | undefined>
  /** Values from CLI flags, already keyed by config name. */
  flags?: Record<string, unknown>
  /** Values from code (embedding): highest precedence. */
  overrides?: Record<string, unknown>
}

export interface LoadedConfig {
  config: GatewayConfig
  warnings: string[]
}

const KNOWN_KEYS = new Set(Object.keys(GatewayConfig.properties))

/** Keys AIClient-2-API writes that have no meaning here: accepted silently so its config.json loads unchanged. */
const A2_IGNORED_KEYS = new Set([
  'SYSTEM_PROMPT_CONTENT', 'CRON_NEAR_MINUTES_OVERRIDE', 'MAX_ERROR_COUNT', 'TOOL_DESCRIPTION_REPLACEMENTS', 'USE_SYSTEM_PROXY_GEMINI',
  'USE_SYSTEM_PROXY_OPENAI', 'USE_SYSTEM_PROXY_CLAUDE', 'USE_SYSTEM_PROXY_KIRO', 'USE_SYSTEM_PROXY_QWEN',
  'LOGIN_EXPIRY', 'LOG_ENABLED', 'LOG_OUTPUT_MODE', 'LOG_DIR', 'LOG_INCLUDE_REQUEST_ID',
  'LOG_INCLUDE_TIMESTAMP', 'LOG_MAX_FILE_SIZE', 'LOG_MAX_FILES', 'TLS_SIDECAR_ENABLED', 'TLS_SIDECAR_PORT',
  'TLS_SIDECAR_BINARY_PATH', 'TLS_SIDECAR_PROXY_URL', 'TLS_SIDECAR_ENABLED_PROVIDERS', 'SCHEDULED_HEALTH_CHECK',
  'providerPoolsFilePath'
])

/** Converts an environment string to the type the schema wants, so "3000" validates as an integer. */
function fromEnvString (key: string, raw: string, schema: TSchema): unknown {
  const type = schema.type ?? (schema.anyOf !== undefined ? 'union' : undefined)
  if (type === 'integer' || type === 'number') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(key, `expected a number, got "${raw}"`)
    return n
  }
  if (type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true
    if (/^(0|false|no|off)$/i.test(raw)) return false
    throw new ConfigError(key, `expected true or false, got "${raw}"`)
  }
  // A list of names is also written as a comma list in the environment (PROXY_ENABLED_PROVIDERS=a,b).
  if (type === 'array' && !raw.trimStart().startsWith('[') && (schema.items as TSchema | undefined)?.type === 'string') {
    return raw.split(',').map(s => s.trim()).filter(s => s !== '')
  }
  if (type === 'array' || type === 'object') {
    try {
      return JSON.parse(raw)
    } catch {
      throw new ConfigError(key, 'expected JSON')
    }
  }
  return raw
}

/** Normalizes aliases users write in SYSTEM_PROMPT_REPLACEMENTS ({search, replace} / {from, to}). */
function normalizeReplacements (value: unknown): unknown {
  if (!Array.isArray(value)) return value
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return entry
    const e = entry as Record<string, unknown>
    const { search, from, replace, to, ...rest } = e
    return { ...rest, old: e.old ?? search ?? from, new: e.new ?? replace ?? to ?? '' }
  })
}

function firstError (value: unknown): ConfigError {
  const error = Value.Errors(GatewayConfig, value).First()
  if (error === undefined) return new ConfigError('(config)', 'invalid')
  const key = error.path.replace(/^\//, '').split('/')[0] ?? error.path
  return new ConfigError(key === '' ? '(config)' : key, `${error.message} (at ${error.path})`)
}

function isAsciiUrl (value: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x20-\x7e]+$/.test(value)) return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** Checks the rules TypeBox cannot express (cross-field and semantic ones). */
function checkSemantics (config: GatewayConfig): void {
  if (config.OPENROUTER_REFERER !== undefined && !isAsciiUrl(config.OPENROUTER_REFERER)) {
    throw new ConfigError('OPENROUTER_REFERER', 'must be an http(s) URL in ASCII (HTTP headers cannot carry other characters)')
  }
  // eslint-disable-next-line no-control-regex
  if (config.OPENROUTER_TITLE !== undefined && !/^[\x20-\x7e]*$/.test(config.OPENROUTER_TITLE)) {
    throw new ConfigError('OPENROUTER_TITLE', 'must be printable ASCII text (HTTP headers cannot carry other characters)')
  }
  for (const key of ['OPENAI_BASE_URL', 'OPENROUTER_BASE_URL', 'CLAUDE_BASE_URL', 'GEMINI_API_BASE_URL', 'GEMINI_BASE_URL'] as const) {
    if (!isAsciiUrl(config[key])) throw new ConfigError(key, `must be an http(s) URL, got "${config[key]}"`)
  }
  if (config.PROXY_URL !== undefined && config.PROXY_URL.trim() !== '') parseProxyUrl(config.PROXY_URL, 'PROXY_URL')
  for (const [i, r] of config.SYSTEM_PROMPT_REPLACEMENTS.entries()) {
    if (r.regex === true) {
      try {
        // eslint-disable-next-line no-new
        new RegExp(r.old, r.flags)
      } catch (err) {
        throw new ConfigError('SYSTEM_PROMPT_REPLACEMENTS', `entry ${i}: ${(err as Error).message}`)
      }
    }
  }
}

/** Proxy settings that do nothing as written. */
function proxyWarnings (config: GatewayConfig): string[] {
  const enabled = config.PROXY_ENABLED_PROVIDERS
  const proxySet = config.PROXY_URL !== undefined && config.PROXY_URL.trim() !== ''
  // AIClient-2-API's default config.json has an empty list and no proxy: nothing to say about that.
  if (enabled === undefined || (enabled.length === 0 && !proxySet)) return []
  if (!proxySet) return ['PROXY_ENABLED_PROVIDERS has no effect without PROXY_URL']
  if (enabled.length === 0) return ['PROXY_ENABLED_PROVIDERS is empty: no provider uses PROXY_URL (unset it to proxy every provider)']
  return []
}

/** Merges defaults < file < environment < flags < overrides, validates, and reports unknown keys as warnings. */
export function loadConfig (sources: ConfigSources): LoadedConfig {
  const warnings: string[] = []
  const merged: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(sources.file ?? {})) {
    if (KNOWN_KEYS.has(key)) merged[key] = value
    else if (!A2_IGNORED_KEYS.has(key)) warnings.push(`Unknown configuration key "${key}" ignored`)
  }
  for (const key of KNOWN_KEYS) {
    const raw = sources.env?.[key]
    if (raw !== undefined && raw !== '') merged[key] = fromEnvString(key, raw, GatewayConfig.properties[key as keyof typeof GatewayConfig.properties])
  }
  for (const layer of [sources.flags, sources.overrides]) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue
      if (!KNOWN_KEYS.has(key)) throw new ConfigError(key, 'unknown configuration key')
      merged[key] = value
    }
  }
  if ('SYSTEM_PROMPT_REPLACEMENTS' in merged) merged.SYSTEM_PROMPT_REPLACEMENTS = normalizeReplacements(merged.SYSTEM_PROMPT_REPLACEMENTS)
  const withDefaults = Value.Default(GatewayConfig, merged)
  if (!Value.Check(GatewayConfig, withDefaults)) throw firstError(withDefaults)
  const config = withDefaults as GatewayConfig
  checkSemantics(config)
  warnings.push(...proxyWarnings(config))
  return { config, warnings }
}

/** Reads and parses a JSON config file, naming the file in every error. */
export function readConfigFile (path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError('--config', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new ConfigError('--config', `${path} is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('--config', `${path} must hold a JSON object`)
  }
  return parsed as Record<string, unknown>
}
