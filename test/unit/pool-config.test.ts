import t from 'tap'
import { readFile } from 'node:fs/promises'
import { PoolConfigError, fromA2ProviderPools, memberId, parsePoolsConfig } from '../../plugins/pool/pool-config.js'

const fixture: unknown = JSON.parse(await readFile(new URL('../fixtures/a2/provider_pools.json', import.meta.url), 'utf8'))

t.test('reads an AIClient-2-API provider_pools.json as it is', async t => {
  const warnings: string[] = []
  const pools = fromA2ProviderPools(fixture, w => { warnings.push(w) })
  t.same(Object.keys(pools), [
    'openai-custom', 'openaiResponses-custom', 'claude-custom', 'gemini-cli-oauth', 'gemini-custom', 'claude-kiro-oauth',
    'openai-openrouter'
  ], 'every non-empty provider type, in file order')
  t.strictSame(pools['openai-custom']?.members[0], {
    name: 'OpenAI 主账号',
    weight: 1,
    enabled: true,
    deniedModels: ['gpt-4-turbo', 'o1-pro'],
    concurrencyLimit: 2,
    healthCheck: { enabled: true, model: 'gpt-4o-mini' },
    uuid: '5b0c2a8e-6f3d-4c1e-9a47-0d2f8e6b1c11',
    options: { OPENAI_API_KEY: 'sk-test-openai-primary-0000', OPENAI_BASE_URL: 'https://api.openai.com/v1' }
  }, 'run-time keys (isHealthy false, errorCount, lastUsed…) are dropped; credentials kept verbatim')
  t.strictSame(pools['openai-custom']?.members[1], {
    name: 'OpenAI 备用',
    weight: 1,
    enabled: false,
    healthCheck: { enabled: false },
    uuid: 'a3d91f40-2b7c-4e8a-b5d6-7c1e0f9a2b22',
    options: { OPENAI_API_KEY: 'sk-test-openai-backup-0000', OPENAI_BASE_URL: 'https://gateway.example.test/v1' }
  })
  const third = pools['openai-custom']?.members[2]
  t.equal(third?.name, 'e7f8a9b0-1c2d-4e3f-8a9b-0c1d2e3f4a33', 'a duplicate customName falls back to the uuid')
  t.equal(third?.concurrencyLimit, undefined, 'concurrencyLimit 0 means no limit')
  t.strictSame(pools['claude-custom']?.members[0]?.models, ['claude-sonnet-4-5', 'claude-haiku-4-5'], 'supportedModels → allow list')
  t.equal(pools['claude-custom']?.members[0]?.enabled, true, 'isDisabled "false" as a string')
  t.strictSame(pools['gemini-cli-oauth']?.members[0], {
    name: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c66',
    weight: 1,
    enabled: true,
    healthCheck: { enabled: false, model: 'gemini-2.5-flash' },
    uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c66',
    options: { GEMINI_OAUTH_CREDS_FILE_PATH: './configs/gemini/oauth_creds_1.json', PROJECT_ID: 'my-project-4711' }
  }, 'an empty customName falls back to the uuid; scheduledRecoveryTime ignored')
  t.strictSame(pools['claude-kiro-oauth']?.members.map(m => [m.name, m.concurrencyLimit, m.options]), [
    ['Kiro 1', 1, { KIRO_OAUTH_CREDS_FILE_PATH: './configs/kiro/kiro-auth-token-1.json' }],
    ['Kiro 2', undefined, { KIRO_OAUTH_CREDS_FILE_PATH: './configs/kiro/kiro-auth-token-2.json' }]
  ])
  t.strictSame(pools['gemini-custom']?.members[0]?.options, {
    GEMINI_API_KEY: 'AIza-test-0000', GEMINI_BASE_URL: 'https://generativelanguage.googleapis.com'
  })
  t.equal(pools['openai-openrouter']?.members[0]?.name, '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8aaa', 'no customName: the uuid')
  t.strictSame(warnings, [
    'openai-custom[0].queueLimit: request queueing is not supported; a busy member is skipped instead',
    'openai-custom[2].customName: "OpenAI 主账号" is taken by another node; this member is named "e7f8a9b0-1c2d-4e3f-8a9b-0c1d2e3f4a33"',
    'openai-qwen-oauth: empty pool left out'
  ])
  t.equal(memberId('openai-custom', 'OpenAI 备用'), 'openai-custom/OpenAI 备用')
})

t.test('a node without uuid or customName is named by its position', async t => {
  const pools = fromA2ProviderPools({ 'openai-custom': [{ OPENAI_API_KEY: 'a' }, { OPENAI_API_KEY: 'b', weight: 3 }] })
  t.strictSame(pools['openai-custom']?.members.map(m => [m.name, m.weight]), [['#1', 1], ['#2', 3]])
})

t.test('malformed A2 files name the bad key', async t => {
  t.throws(() => fromA2ProviderPools([]), new PoolConfigError('(root)', 'provider_pools.json must be an object keyed by provider type'))
  t.throws(() => fromA2ProviderPools({ 'openai-custom': { OPENAI_API_KEY: 'x' } }), { name: 'PoolConfigError', path: 'openai-custom' })
  t.throws(() => fromA2ProviderPools({ 'claude-custom': [{}, 'sk-ant'] }), { name: 'PoolConfigError', path: 'claude-custom[1]' })
})

t.test('native pools: defaults applied, bad keys named', async t => {
  const pools = parsePoolsConfig({
    'openai-custom': { strategy: 'least-busy', members: [{ name: 'a', options: { apiKey: 'k' } }, { name: 'b', weight: 4 }] }
  })
  t.strictSame(pools['openai-custom'], {
    strategy: 'least-busy',
    members: [
      { name: 'a', weight: 1, enabled: true, options: { apiKey: 'k' } },
      { name: 'b', weight: 4, enabled: true, options: {} }
    ]
  })
  t.throws(() => parsePoolsConfig({ 'openai-custom': { members: [{ name: 'a', weight: 0 }] } }),
    { name: 'PoolConfigError', path: 'openai-custom.members[0].weight' })
  t.throws(() => parsePoolsConfig({ 'openai-custom': { members: [{ name: 'a', wieght: 2 }] } }),
    { name: 'PoolConfigError', path: /openai-custom\.members\[0\]/ })
  t.throws(() => parsePoolsConfig({ 'openai-custom': { strategy: 'random', members: [{ name: 'a' }] } }),
    { name: 'PoolConfigError', path: 'openai-custom.strategy' })
  t.throws(() => parsePoolsConfig({ 'openai-custom': { members: [] } }), { name: 'PoolConfigError', path: 'openai-custom.members' })
  t.throws(() => parsePoolsConfig({ 'openai-custom': { members: [{ name: 'a' }, { name: 'a' }] } }),
    new PoolConfigError('openai-custom.members[1].name', 'duplicate member name "a"'))
  const input = { 'x-type': { members: [{ name: 'a' }] } }
  parsePoolsConfig(input)
  t.strictSame(input, { 'x-type': { members: [{ name: 'a' }] } }, 'the input is not mutated')
})
