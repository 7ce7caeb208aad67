import { BlockList, isIP } from 'node:net'
import { ConfigError } from './config-error.js'

/** One upstream proxy, parsed and checked once at start-up. */
export interface ProxyEndpoint {
  kind: 'http' | 'socks'
  url: URL
  /** The URL with its password masked: what logs and error messages show. */
  label: string
}

/** Where a provider's upstream calls go: the proxy per origin scheme, and the hosts that bypass it. */
export interface ProxyChoice {
  http?: ProxyEndpoint
  https?: ProxyEndpoint
  noProxy: NoProxy
  /** What chose the proxy (a setting name), for the start-up log. */
  source: 'PROXY_URL' | 'environment' | 'none'
}

const PROXY_SCHEMES = new Map<string, ProxyEndpoint['kind']>([
  ['http:', 'http'], ['https:', 'http'],
  ['socks:', 'socks'], ['socks5:', 'socks'], ['socks5h:', 'socks'], ['socks4:', 'socks'], ['socks4a:', 'socks']
])

/** The port a URL scheme implies. */
export function defaultPort (protocol: string): number {
  return protocol === 'https:' ? 443 : 80
}

/** An IPv6 host without the brackets URLs put around it. */
export function unbracket (host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1')
}

/** Masks the password (and a bare user, which some proxies use as the token) of a proxy URL. */
export function maskProxyUrl (url: URL): string {
  const auth = url.username === '' ? '' : url.password === '' ? '***@' : `${url.username}:***@`
  return `${url.protocol}//${auth}${url.host}`
}

/** Parses a proxy URL; `key` names the setting it came from in the error. A bare host:port means http://. */
export function parseProxyUrl (raw: string, key: string): ProxyEndpoint {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(key, 'is not a URL (expected e.g. http://host:8080 or socks5://user:pass@host:1080)')
  }
  const kind = PROXY_SCHEMES.get(url.protocol)
  if (kind === undefined) {
    throw new ConfigError(key, `has the scheme ${url.protocol.slice(0, -1)}; expected http, https, socks5, socks5h, socks4 or socks4a`)
  }
  if (url.hostname === '') throw new ConfigError(key, 'has no host')
  return { kind, url, label: maskProxyUrl(url) }
}

/** The first non-empty value: an empty `http_proxy=` must not hide a set `HTTP_PROXY` (nor an empty one HTTPS_PROXY). */
function firstSet (...values: Array<string | undefined>): string | undefined {
  for (const v of values) if (v !== undefined && v.trim() !== '') return v.trim()
  return undefined
}

/**
 * NO_PROXY as curl and undici read it: entries separated by commas or spaces; `*` exempts everything; a host name
 * exempts itself and its sub-domains (a leading `.` or `*.` means the same); `host:port` only that port; an IP
 * address or an IPv4/IPv6 CIDR block exempts those addresses.
 */
export class NoProxy {
  readonly all: boolean
  private readonly names: Array<{ suffix: string, port: number }> = []
  private readonly addresses = new BlockList()
  private hasAddresses = false

  constructor (readonly raw: string) {
    const entries = raw.split(/[,\s]+/).map(e => e.trim().toLowerCase()).filter(e => e !== '')
    this.all = entries.includes('*')
    for (const entry of entries) this.add(entry)
  }

  private add (entry: string): void {
    const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry)
    if (cidr !== null) {
      const family = isIP(cidr[1] as string)
      if (family !== 0) {
        this.addresses.addSubnet(cidr[1] as string, Number(cidr[2]), family === 6 ? 'ipv6' : 'ipv4')
        this.hasAddresses = true
      }
      return
    }
    const unbracketed = unbracket(entry)
    if (isIP(unbracketed) !== 0) {
      this.addresses.addAddress(unbracketed, isIP(unbracketed) === 6 ? 'ipv6' : 'ipv4')
      this.hasAddresses = true
      return
    }
    const withPort = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))
    const host = (withPort?.[1] ?? entry).replace(/^\*?\.?/, '')
    if (host !== '') this.names.push({ suffix: host, port: withPort?.[2] === undefined ? 0 : Number(withPort[2]) })
  }

  /** Whether a call to this host and port goes direct. */
  exempts (hostname: string, port: number): boolean {
    if (this.all) return true
    const host = unbracket(hostname.toLowerCase())
    const family = isIP(host)
    if (family !== 0 && this.hasAddresses && this.addresses.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true
    for (const entry of this.names) {
      if (entry.port !== 0 && entry.port !== port) continue
      if (host === entry.suffix || host.endsWith(`.${entry.suffix}`)) return true
    }
    return false
  }
}

export interface ProxySources {
  PROXY_URL?: string | undefined
  PROXY_ENABLED_PROVIDERS?: string[] | undefined
  NO_PROXY?: string | undefined
}

/** The provider types PROXY_URL applies to, or undefined for all of them (the setting is unset). */
export function proxyEnabledProviders (value: string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? (value.trim() === '' ? undefined : value.split(',')) : value
  return list?.map(s => s.trim()).filter(s => s !== '')
}

/**
 * The proxy a provider type uses. PROXY_URL applies to every provider, or only to those PROXY_ENABLED_PROVIDERS lists
 * (AIClient-2-API's setting; an empty list means none); the others, and everything when PROXY_URL is unset, follow
 * the environment's HTTPS_PROXY / HTTP_PROXY. NO_PROXY exempts hosts from either.
 */
export function proxyChoiceFor (providerType: string, config: ProxySources, env: NodeJS.ProcessEnv): ProxyChoice {
  const noProxy = new NoProxy(firstSet(config.NO_PROXY, env.no_proxy, env.NO_PROXY) ?? '')
  const explicit = firstSet(config.PROXY_URL)
  const enabled = config.PROXY_ENABLED_PROVIDERS
  if (explicit !== undefined && (enabled === undefined || enabled.includes(providerType))) {
    const proxy = parseProxyUrl(explicit, 'PROXY_URL')
    return { http: proxy, https: proxy, noProxy, source: 'PROXY_URL' }
  }
  const httpRaw = firstSet(env.http_proxy, env.HTTP_PROXY)
  const httpsRaw = firstSet(env.https_proxy, env.HTTPS_PROXY) ?? httpRaw
  if (httpRaw === undefined && httpsRaw === undefined) return { noProxy, source: 'none' }
  return {
    ...(httpRaw === undefined ? {} : { http: parseProxyUrl(httpRaw, 'HTTP_PROXY') }),
    ...(httpsRaw === undefined ? {} : { https: parseProxyUrl(httpsRaw, 'HTTPS_PROXY') }),
    noProxy,
    source: 'environment'
  }
}

/** A key that is equal for two choices that route every call the same way (they can share dispatchers). */
export function proxyChoiceKey (choice: ProxyChoice): string {
  return `${choice.http?.url.href ?? ''}|${choice.https?.url.href ?? ''}|${choice.noProxy.raw}`
}

/** One line for the start-up log: the proxy per scheme with credentials masked, or "direct". */
export function describeProxyChoice (choice: ProxyChoice): string {
  if (choice.http === undefined && choice.https === undefined) return 'direct'
  const via = choice.http?.label === choice.https?.label
    ? `via ${choice.https?.label ?? ''}`
    : [choice.https === undefined ? undefined : `https via ${choice.https.label}`, choice.http === undefined ? 'http direct' : `http via ${choice.http.label}`]
        .filter(s => s !== undefined).join(', ')
  const exempt = choice.noProxy.raw === '' ? '' : `; NO_PROXY ${choice.noProxy.all ? '* (everything direct)' : choice.noProxy.raw}`
  return `${via} (${choice.source})${exempt}`
}
