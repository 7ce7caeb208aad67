import t from 'tap'
import { ConfigError, loadConfig } from '../../plugins/config-loader.js'
import { flagsToConfig } from '../../plugins/cli-flags.js'

function errorOf (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  return undefined
}

t.test('defaults < file < env < flags', async t => {
  const { config, warnings } = loadConfig({
    file: { SERVER_PORT: 4000, HOST: '127.0.0.1', MODEL_PROVIDER: 'openai-custom', OPENAI_API_KEY: 'file-key', SOMETHING_ELSE: 1 },
    env: { SERVER_PORT: '5000', OPENAI_API_KEY: 'env-key', REQUEST_MAX_RETRIES: '5', CRON_REFRESH_TOKEN: 'false' },
    flags: { SERVER_PORT: 6000 }
  })
  t.equal(config.SERVER_PORT, 6000)
  t.equal(config.OPENAI_API_KEY, 'env-key')
  t.equal(config.REQUEST_MAX_RETRIES, 5)
  t.equal(config.CRON_REFRESH_TOKEN, false)
  t.equal(config.PROMPT_LOG_MODE, 'none', 'default')
  t.same(warnings, ['Unknown configuration key "SOMETHING_ELSE" ignored'])
})

t.test('an AIClient-2-API config.json loads unchanged', async t => {
  const a2 = {
    REQUIRED_API_KEY: '123456', SERVER_PORT: 3000, HOST: '0.0.0.0', MODEL_PROVIDER: 'gemini-cli-oauth',
    OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'https://api.openai.com/v1', CLAUDE_API_KEY: 'sk-ant', CLAUDE_BASE_URL: 'https://api.anthropic.com/v1',
    PROJECT_ID: 'p', SYSTEM_PROMPT_FILE_PATH: 'input_system_prompt.txt', SYSTEM_PROMPT_MODE: 'overwrite',
    SYSTEM_PROMPT_REPLACEMENTS: [{ search: 'foo', replace: 'bar' }], PROMPT_LOG_BASE_NAME: 'prompt_log', PROMPT_LOG_MODE: 'console',
    REQUEST_MAX_RETRIES: 3, REQUEST_BASE_DELAY: 1000, CRON_NEAR_MINUTES: 15, CRON_REFRESH_TOKEN: true, PROVIDER_POOLS_FILE_PATH: null,
    PROXY_URL: null, MAX_ERROR_COUNT: 3, providerFallbackChain: {}
  }
  // A2 writes null for unset optional paths.
  const file = Object.fromEntries(Object.entries(a2).filter(([, v]) => v !== null))
  const { config, warnings } = loadConfig({ file })
  t.equal(config.MODEL_PROVIDER, 'gemini-cli-oauth')
  t.same(config.SYSTEM_PROMPT_REPLACEMENTS, [{ old: 'foo', new: 'bar' }])
  t.same(warnings, [])
})

t.test('a bad value names its key', async t => {
  t.match(errorOf(() => loadConfig({ env: { SERVER_PORT: 'eighty' } })), { key: 'SERVER_PORT' })
  t.match(errorOf(() => loadConfig({ file: { PROMPT_LOG_MODE: 'syslog' } })), { key: 'PROMPT_LOG_MODE' })
  t.match(errorOf(() => loadConfig({ file: { SERVER_PORT: 70000 } })), { key: 'SERVER_PORT' })
  t.match(errorOf(() => loadConfig({ flags: { OPENROUTER_REFERER: 'https://exämple.com' } })), { key: 'OPENROUTER_REFERER' })
  t.match(errorOf(() => loadConfig({ flags: { OPENROUTER_TITLE: 'Café app' } })), { key: 'OPENROUTER_TITLE' })
  t.throws(() => loadConfig({ flags: { NOT_A_KEY: 1 } }), ConfigError)
  t.match(errorOf(() => loadConfig({ file: { SYSTEM_PROMPT_REPLACEMENTS: [{ old: '(', new: '', regex: true }] } })), { key: 'SYSTEM_PROMPT_REPLACEMENTS' })
})

t.test('CLI flags map to keys, numbers converted', async t => {
  const parsed = flagsToConfig(['--port', '8080', '--host', '127.0.0.2', '--api-key', 'k', '--model-provider', 'openai-openrouter',
    '--openrouter-referer', 'https://app.example', '--openrouter-title', 'My App', '--default-model', 'openai/gpt-4o', '--default-model-mode', 'force',
    '--log-prompts', 'file', '--system-prompt-file', 's.txt', '--system-prompt-mode', 'append', '--config', 'c.json'])
  t.equal(parsed.file, 'c.json')
  t.same(parsed.values, {
    SERVER_PORT: 8080, HOST: '127.0.0.2', REQUIRED_API_KEY: 'k', MODEL_PROVIDER: 'openai-openrouter', OPENROUTER_REFERER: 'https://app.example',
    OPENROUTER_TITLE: 'My App', DEFAULT_MODEL: 'openai/gpt-4o', DEFAULT_MODEL_MODE: 'force', PROMPT_LOG_MODE: 'file',
    SYSTEM_PROMPT_FILE_PATH: 's.txt', SYSTEM_PROMPT_MODE: 'append'
  })
  t.match(errorOf(() => flagsToConfig(['--port', 'x'])), { key: 'SERVER_PORT' })
  t.throws(() => flagsToConfig(['--bogus']))
})
