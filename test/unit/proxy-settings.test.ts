import t from 'tap'
import { describeProxyChoice, maskProxyUrl, NoProxy, parseProxyUrl, proxyChoiceFor } from '../../plugins/proxy-settings.js'
import { ConfigError } from '../../plugins/config-error.js'

t.test('NO_PROXY matching', async t => {
  const np = new NoProxy('localhost, .internal.example  api.local:8080,*.corp,10.0.0.0/8,[::1],192.168.1.7,fd00::/8')
  t.ok(np.exempts('localhost', 80))
  t.ok(np.exempts('LOCALHOST', 443), 'case-insensitive')
  t.ok(np.exempts('a.localhost', 80), 'a bare name covers its sub-domains (curl)')
  t.notOk(np.exempts('notlocalhost', 80), 'but not a name that only ends the same')
  t.ok(np.exempts('internal.example', 443), 'a leading dot covers the domain itself')
  t.ok(np.exempts('vllm.internal.example', 443))
  t.ok(np.exempts('api.local', 8080))
  t.notOk(np.exempts('api.local', 443), 'host:port only that port')
  t.ok(np.exempts('x.corp', 443), '*.domain')
  t.ok(np.exempts('10.1.2.3', 80), 'an IPv4 CIDR')
  t.notOk(np.exempts('11.1.2.3', 80))
  t.ok(np.exempts('[::1]', 80), 'a bracketed IPv6 address')
  t.ok(np.exempts('192.168.1.7', 11434), 'an IP address, any port')
  t.ok(np.exempts('fd00::5', 443), 'an IPv6 CIDR')
  t.notOk(np.exempts('api.openai.com', 443))
  t.ok(new NoProxy('*').exempts('api.openai.com', 443), '* exempts everything')
  t.notOk(new NoProxy('').exempts('localhost', 80), 'empty exempts nothing')
})

t.test('proxy URLs: schemes, defaults, masking', async t => {
  t.equal(parseProxyUrl('http://u:p@proxy:3128', 'PROXY_URL').label, 'http://u:***@proxy:3128')
  t.equal(parseProxyUrl('socks5h://u:p%40ss@127.0.0.1:1080', 'PROXY_URL').kind, 'socks')
  t.equal(parseProxyUrl('proxy.corp:8080', 'HTTPS_PROXY').url.href, 'http://proxy.corp:8080/', 'a bare host:port is http')
  t.equal(maskProxyUrl(new URL('http://token@proxy:1')), 'http://***@proxy:1', 'a user alone is treated as the secret')
  t.equal(maskProxyUrl(new URL('https://proxy')), 'https://proxy')
  t.throws(() => parseProxyUrl('ftp://x', 'PROXY_URL'), ConfigError)
  t.throws(() => parseProxyUrl('http://', 'PROXY_URL'), /not a URL/)
})

t.test('the proxy each provider type uses', async t => {
  const proxy = 'http://127.0.0.1:3128'
  t.equal(proxyChoiceFor('openai-custom', { PROXY_URL: proxy }, {}).source, 'PROXY_URL', 'PROXY_URL alone: every provider')
  const limited = { PROXY_URL: proxy, PROXY_ENABLED_PROVIDERS: ['gemini-cli-oauth'] }
  t.equal(proxyChoiceFor('gemini-cli-oauth', limited, {}).https?.label, proxy)
  t.equal(proxyChoiceFor('openai-custom', limited, {}).source, 'none', 'not listed: direct')
  t.equal(proxyChoiceFor('openai-custom', limited, { HTTPS_PROXY: 'http://env:1' }).https?.label, 'http://env:1', 'not listed: the environment still applies')
  t.equal(proxyChoiceFor('openai-custom', { PROXY_URL: proxy, PROXY_ENABLED_PROVIDERS: [] }, {}).source, 'none', 'an empty list: none')
  t.equal(proxyChoiceFor('openai-custom', { PROXY_URL: '  ' }, {}).source, 'none', 'a blank PROXY_URL is unset')

  const env = proxyChoiceFor('x', {}, { HTTP_PROXY: 'http://h:1', https_proxy: '', HTTPS_PROXY: 'http://s:2', no_proxy: '', NO_PROXY: 'localhost' })
  t.equal(env.http?.label, 'http://h:1')
  t.equal(env.https?.label, 'http://s:2', 'an empty https_proxy does not hide HTTPS_PROXY')
  t.ok(env.noProxy.exempts('localhost', 80), 'an empty no_proxy does not hide NO_PROXY')
  t.equal(proxyChoiceFor('x', {}, { HTTP_PROXY: 'http://h:1' }).https?.label, 'http://h:1', 'https falls back to HTTP_PROXY (as undici and curl do)')
  t.equal(proxyChoiceFor('x', {}, { HTTPS_PROXY: 'http://s:2' }).http, undefined, 'http origins stay direct without HTTP_PROXY')
  t.equal(proxyChoiceFor('x', { NO_PROXY: 'a.b' }, { NO_PROXY: 'c.d' }).noProxy.raw, 'a.b', 'the config key over the environment')

  t.equal(describeProxyChoice(proxyChoiceFor('x', {}, {})), 'direct')
  t.equal(describeProxyChoice(proxyChoiceFor('x', { PROXY_URL: 'socks5://u:pw@h:1080', NO_PROXY: '*' }, {})), 'via socks5://u:***@h:1080 (PROXY_URL); NO_PROXY * (everything direct)')
  t.equal(describeProxyChoice(proxyChoiceFor('x', {}, { HTTPS_PROXY: 'http://s:2' })), 'https via http://s:2, http direct (environment)')
})

t.test('proxy settings that do nothing are warned about at start-up, the AIClient-2-API defaults are not', async t => {
  const { loadConfig } = await import('../../plugins/config-loader.js')
  const warned = (file: Record<string, unknown>, env: Record<string, string> = {}): string[] => loadConfig({ file, env }).warnings
  t.same(warned({ PROXY_ENABLED_PROVIDERS: [] }), [], 'an empty list and no proxy: silent')
  t.match(warned({ PROXY_ENABLED_PROVIDERS: ['gemini-cli-oauth'] }), ['PROXY_ENABLED_PROVIDERS has no effect without PROXY_URL'])
  t.match(warned({ PROXY_URL: 'http://p:1', PROXY_ENABLED_PROVIDERS: [] }), [/no provider uses PROXY_URL/])
  t.same(loadConfig({ env: { PROXY_ENABLED_PROVIDERS: 'gemini-cli-oauth, claude-kiro-oauth' } }).config.PROXY_ENABLED_PROVIDERS, ['gemini-cli-oauth', 'claude-kiro-oauth'], 'a comma list in the environment')
  t.same(loadConfig({ env: { PROXY_ENABLED_PROVIDERS: '["openai-custom"]' } }).config.PROXY_ENABLED_PROVIDERS, ['openai-custom'], 'or JSON')
  t.throws(() => loadConfig({ file: { PROXY_URL: 'socks6://x:1' } }), /PROXY_URL: has the scheme socks6/)
})
