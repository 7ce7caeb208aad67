import { Type, type Static } from '@sinclair/typebox'

/**
 * The gateway configuration. Keys are AIClient-2-API's flat UPPER_CASE names so its users bring config.json as it
 * is; the same names are the environment variables. Defaults live here, one place. Every key is documented in
 * .env.example and the README.
 */
const Str = (description: string, opts: { default?: string, minLength?: number } = {}) => Type.String({ description, ...opts })
const Int = (description: string, def: number, min = 0) => Type.Integer({ description, default: def, minimum: min })

export const SystemPromptReplacement = Type.Object({
  /** Text to find (aliases: search, from). */
  old: Type.String({ minLength: 1 }),
  new: Type.String(),
  regex: Type.Optional(Type.Boolean()),
  flags: Type.Optional(Type.String({ pattern: '^[gimsuy]*$' }))
})
export type SystemPromptReplacement = Static<typeof SystemPromptReplacement>

export const GatewayConfig = Type.Object({
  // Server
  HOST: Str('Interface to listen on', { default: '127.0.0.1' }),
  SERVER_PORT: Type.Integer({ description: 'Port to listen on', default: 3000, minimum: 0, maximum: 65535 }),
  REQUIRED_API_KEY: Type.Optional(Str('Key clients must send; unset = only loopback may connect')),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' }),
  BODY_LIMIT: Int('Largest request body in bytes', 50 * 1024 * 1024, 1024),
  SHUTDOWN_GRACE_MS: Int('How long in-flight requests may finish after SIGTERM', 30_000),
  TRUST_PROXY: Type.Optional(Str('Fastify trustProxy: addresses/CIDRs of the reverse proxy whose X-Forwarded-For is trusted')),

  // Routing
  MODEL_PROVIDER: Str('Default provider type (comma list: the first is the default)', { default: 'openai-custom' }),
  DEFAULT_MODEL: Type.Optional(Str('Model used when the client sends none (or always, in force mode)')),
  DEFAULT_MODEL_MODE: Type.Union([Type.Literal('fallback'), Type.Literal('force')], { default: 'fallback' }),
  MODELS_CACHE_TTL_MS: Int('How long upstream model lists are cached', 300_000),
  PASSTHROUGH: Type.Boolean({ description: 'Forward same-protocol requests untranslated (false forces the canonical path)', default: true }),

  // Upstream transport
  PROXY_URL: Type.Optional(Str('Upstream proxy (http://, https://, socks5://, user:password@ allowed) for every provider, or those PROXY_ENABLED_PROVIDERS lists; else HTTPS_PROXY/HTTP_PROXY')),
  PROXY_ENABLED_PROVIDERS: Type.Optional(Type.Array(Type.String(), { description: 'Provider types that use PROXY_URL (a comma list or JSON array; unset: all, empty: none)' })),
  NO_PROXY: Type.Optional(Str('Hosts that bypass every proxy (comma list: host, .domain, host:port, IP, CIDR, *)')),
  UPSTREAM_CONNECT_TIMEOUT_MS: Int('TCP/TLS connect timeout', 10_000, 1),
  UPSTREAM_HEADERS_TIMEOUT_MS: Int('Time allowed until the upstream answers', 300_000, 1),
  UPSTREAM_BODY_TIMEOUT_MS: Int('Longest silence allowed inside an upstream body', 300_000, 1),
  REQUEST_MAX_RETRIES: Int('Retries of a failed upstream attempt before the first byte', 3),
  REQUEST_BASE_DELAY: Int('Base delay in ms of the exponential backoff between retries', 1000),
  REQUEST_MAX_DELAY: Int('Longest single backoff delay in ms', 30_000),

  // System prompt hook
  SYSTEM_PROMPT_FILE_PATH: Type.Optional(Str('File whose text overwrites or is appended to the system prompt')),
  SYSTEM_PROMPT_MODE: Type.Union([Type.Literal('overwrite'), Type.Literal('override'), Type.Literal('append')], { default: 'overwrite' }),
  SYSTEM_PROMPT_REPLACEMENTS: Type.Array(SystemPromptReplacement, { default: [] }),

  // Prompt log
  PROMPT_LOG_MODE: Type.Union([Type.Literal('none'), Type.Literal('console'), Type.Literal('file')], { default: 'none' }),
  PROMPT_LOG_BASE_NAME: Str('File name prefix of the JSON Lines prompt log', { default: 'prompt_log' }),

  // openai-custom
  OPENAI_API_KEY: Type.Optional(Str('openai-custom API key')),
  OPENAI_BASE_URL: Str('openai-custom base URL (ending in /v1)', { default: 'https://api.openai.com/v1' }),
  OPENAI_EXTRA_HEADERS: Type.Record(Type.String(), Type.String(), { default: {} }),
  OPENAI_MODELS: Type.Optional(Type.Array(Type.String(), { description: 'Static model list when the upstream has no /models' })),

  // openai-openrouter
  OPENROUTER_API_KEY: Type.Optional(Str('OpenRouter API key')),
  OPENROUTER_BASE_URL: Str('OpenRouter base URL', { default: 'https://openrouter.ai/api/v1' }),
  OPENROUTER_REFERER: Type.Optional(Str('HTTP-Referer sent to OpenRouter (an ASCII URL)')),
  OPENROUTER_TITLE: Type.Optional(Str('X-Title sent to OpenRouter (ASCII text)')),

  // claude-custom
  CLAUDE_API_KEY: Type.Optional(Str('claude-custom API key')),
  CLAUDE_BASE_URL: Str('claude-custom base URL (a bare origin gets /v1)', { default: 'https://api.anthropic.com/v1' }),

  // gemini-custom
  GEMINI_API_KEY: Type.Optional(Str('gemini-custom API key')),
  GEMINI_API_BASE_URL: Str('gemini-custom base URL', { default: 'https://generativelanguage.googleapis.com/v1beta' }),

  // gemini-cli-oauth
  GEMINI_OAUTH_CREDS_FILE_PATH: Type.Optional(Str('Gemini CLI oauth_creds.json (default ~/.gemini/oauth_creds.json)')),
  GEMINI_OAUTH_CREDS_BASE64: Type.Optional(Str('The same credentials, base64-encoded')),
  GEMINI_OAUTH_TOKEN_URL: Str('Google token endpoint', { default: 'https://oauth2.googleapis.com/token' }),
  GEMINI_BASE_URL: Str('Code Assist base URL', { default: 'https://cloudcode-pa.googleapis.com' }),
  PROJECT_ID: Type.Optional(Str('Google Cloud project for Code Assist (else discovered)')),
  GEMINI_CLI_MODELS: Type.Optional(Type.Array(Type.String())),

  // claude-kiro-oauth
  KIRO_OAUTH_CREDS_FILE_PATH: Type.Optional(Str('Kiro token file (default ~/.aws/sso/cache/kiro-auth-token.json)')),
  KIRO_OAUTH_CREDS_BASE64: Type.Optional(Str('The same token file, base64-encoded')),
  KIRO_REFRESH_URL: Str('Kiro social refresh URL', { default: 'https://prod.{{region}}.auth.desktop.kiro.dev/refreshToken' }),
  KIRO_REFRESH_IDC_URL: Str('Kiro IdC refresh URL', { default: 'https://oidc.{{region}}.amazonaws.com/token' }),
  KIRO_BASE_URL: Str('Kiro API URL', { default: 'https://q.{{region}}.amazonaws.com/generateAssistantResponse' }),
  KIRO_MODEL_MAP: Type.Record(Type.String(), Type.String(), { default: {} }),

  // openaiResponses-custom
  OPENAI_RESPONSES_API_KEY: Type.Optional(Str('openaiResponses-custom API key (default: OPENAI_API_KEY)')),
  OPENAI_RESPONSES_BASE_URL: Type.Optional(Str('openaiResponses-custom base URL (default: OPENAI_BASE_URL)')),
  RESPONSES_STORE_TTL_MS: Int('How long /v1/responses results are kept for previous_response_id', 3_600_000),

  // OAuth refresh
  CRON_NEAR_MINUTES: Int('Refresh OAuth tokens this many minutes before they expire', 15),
  CRON_REFRESH_TOKEN: Type.Boolean({ description: 'Refresh OAuth tokens in the background ahead of expiry', default: true }),

  // Pools, routing and shared state
  PROVIDER_POOLS_FILE_PATH: Type.Optional(Str('Pools file: AIClient-2-API provider_pools.json, or the native shape of PROVIDER_POOLS')),
  PROVIDER_POOLS: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Native pools: { type: { strategy, members: [...] } } (see docs/operations.md)' })),
  POOL_STRATEGY: Type.Union([Type.Literal('weighted-round-robin'), Type.Literal('least-busy'), Type.Literal('fill-first')], { default: 'weighted-round-robin' }),
  POOL_COOLDOWN_SCOPE: Type.Union([Type.Literal('member'), Type.Literal('model')], { default: 'model', description: 'What a 429, a Retry-After or a failure run cools down: the member for that model, or the whole member' }),
  POOL_MAX_COOLDOWN_MS: Int('Cap on any cooldown, Retry-After and quota-reset hints included', 600_000),
  POOL_RATE_LIMIT_COOLDOWN_MS: Int('Cooldown after a 429 without a Retry-After', 10_000),
  POOL_AUTH_COOLDOWN_MS: Int('Cooldown after 401/403/402 (after a refresh attempt), and after a 401/403/404 that names the model', 300_000),
  POOL_FAILURE_THRESHOLD: Int('5xx/network failures within the window that cool a credential down', 3, 1),
  POOL_FAILURE_WINDOW_MS: Int('Window for POOL_FAILURE_THRESHOLD', 60_000, 1),
  POOL_FAILURE_COOLDOWN_MS: Int('Cooldown after repeated failures', 30_000),
  HEALTH_CHECK_INTERVAL_MS: Int('Scheduled health checks of pool members with healthCheck enabled (0 = off)', 0),
  providerFallbackChain: Type.Record(Type.String(), Type.Array(Type.String()), { default: {}, description: 'When a provider type is exhausted, try these types in order (AIClient-2-API key)' }),
  modelFallbackMapping: Type.Record(Type.String(), Type.Object({ targetProviderType: Type.String(), targetModel: Type.String() }), { default: {}, description: 'When a model is exhausted everywhere, try this provider and model (AIClient-2-API key)' }),
  MODEL_ALIASES: Type.Record(Type.String(), Type.Object({
    provider: Type.Optional(Type.String()),
    model: Type.String(),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  }), { default: {}, description: 'alias → provider + model + forced parameters (temperature, maxTokens, reasoningEffort…)' }),
  CLIENT_KEYS: Type.Array(Type.Object({
    name: Type.String({ minLength: 1 }),
    key: Type.String({ minLength: 8 }),
    requestsPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
    tokensPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
    models: Type.Optional(Type.Array(Type.String()))
  }), { default: [], description: 'Named client keys with their own limits, besides REQUIRED_API_KEY' }),
  REDIS_URL: Type.Optional(Str('Redis URL for state shared between instances')),
  REDIS_KEY_PREFIX: Str('Prefix of every Redis key', { default: 'switchboard:' })
})
export type GatewayConfig = Static<typeof GatewayConfig>

/** Keys whose values are secrets: never logged, never echoed in errors. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'REQUIRED_API_KEY', 'OPENAI_API_KEY', 'OPENROUTER_API_KEY', 'CLAUDE_API_KEY', 'GEMINI_API_KEY',
  'GEMINI_OAUTH_CREDS_BASE64', 'KIRO_OAUTH_CREDS_BASE64', 'OPENAI_RESPONSES_API_KEY', 'REDIS_URL', 'PROXY_URL',
  'OPENAI_EXTRA_HEADERS', 'CLIENT_KEYS', 'PROVIDER_POOLS'
])
