import { clientBody, type Surface, type UpstreamKind } from './payloads.js'

/**
 * The paths the bench measures. Each has the gateway's request, the upstream it ends at (the floor proxy and the
 * direct run send that upstream's own request), and Portkey's request where Portkey has the path.
 */

export const CLIENT_KEY = 'bench-client-key-0001'

export interface Call {
  path: string
  headers: Record<string, string>
  body: Buffer
}

export interface PathSpec {
  id: string
  passthrough: boolean
  upstream: UpstreamKind
  gateway: (stream: boolean) => Call
  portkey?: (stream: boolean, fakeUrl: string) => Call
}

const JSON_TYPE = { 'content-type': 'application/json' }
const CLAUDE_HEADERS = { ...JSON_TYPE, 'anthropic-version': '2023-06-01' }

const MODEL: Record<Surface, string> = { openai: 'gpt-bench', anthropic: 'claude-bench', gemini: 'gemini-bench', kiro: 'claude-sonnet-4-5' }

function surfaceCall (surface: Surface, prefix: string, model: string, stream: boolean): Call {
  const auth: Record<string, string> = surface === 'anthropic' ? { 'x-api-key': CLIENT_KEY } : surface === 'gemini' ? { 'x-goog-api-key': CLIENT_KEY } : { authorization: `Bearer ${CLIENT_KEY}` }
  switch (surface) {
    case 'openai': return { path: `${prefix}/v1/chat/completions`, headers: { ...JSON_TYPE, ...auth }, body: clientBody('openai', model, stream) }
    case 'anthropic': return { path: `${prefix}/v1/messages`, headers: { ...CLAUDE_HEADERS, ...auth }, body: clientBody('anthropic', model, stream) }
    case 'gemini': return {
      path: `${prefix}/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      headers: { ...JSON_TYPE, ...auth },
      body: clientBody('gemini', model, stream)
    }
    case 'kiro': return { path: '/generateAssistantResponse', headers: { ...JSON_TYPE, authorization: 'Bearer kiro-bench' }, body: clientBody('kiro', model, stream) }
  }
}

/** The upstream's own request, as the floor proxy forwards it and the direct run sends it to the fake. */
export function upstreamCall (kind: UpstreamKind, stream: boolean): Call {
  return surfaceCall(kind, '', MODEL[kind], stream)
}

function portkeyCall (surface: 'openai' | 'anthropic', provider: 'openai' | 'anthropic', model: string) {
  return (stream: boolean, fakeUrl: string): Call => {
    const call = surfaceCall(surface, '', model, stream)
    const key: Record<string, string> = provider === 'openai' ? { authorization: 'Bearer sk-bench' } : { 'x-api-key': 'sk-ant-bench', authorization: 'Bearer sk-ant-bench' }
    const { authorization: _a, 'x-api-key': _k, ...headers } = call.headers
    return { ...call, headers: { ...headers, ...key, 'x-portkey-provider': provider, 'x-portkey-custom-host': `${fakeUrl}/v1` } }
  }
}

export const PATHS: PathSpec[] = [
  {
    id: 'OpenAI→openai-custom',
    passthrough: true,
    upstream: 'openai',
    gateway: stream => surfaceCall('openai', '/openai-custom', MODEL.openai, stream),
    portkey: portkeyCall('openai', 'openai', MODEL.openai)
  },
  {
    id: 'Claude→claude-custom',
    passthrough: true,
    upstream: 'anthropic',
    gateway: stream => surfaceCall('anthropic', '/claude-custom', MODEL.anthropic, stream),
    portkey: portkeyCall('anthropic', 'anthropic', MODEL.anthropic)
  },
  {
    id: 'OpenAI→claude-custom',
    passthrough: false,
    upstream: 'anthropic',
    gateway: stream => surfaceCall('openai', '/claude-custom', MODEL.anthropic, stream),
    portkey: portkeyCall('openai', 'anthropic', MODEL.anthropic)
  },
  {
    id: 'Claude→openai-custom',
    passthrough: false,
    upstream: 'openai',
    gateway: stream => surfaceCall('anthropic', '/openai-custom', MODEL.openai, stream),
    portkey: portkeyCall('anthropic', 'openai', MODEL.openai)
  },
  {
    id: 'Gemini→claude-custom',
    passthrough: false,
    upstream: 'anthropic',
    gateway: stream => surfaceCall('gemini', '/claude-custom', MODEL.anthropic, stream)
  },
  {
    id: 'Claude→claude-kiro-oauth',
    passthrough: false,
    upstream: 'kiro',
    gateway: stream => surfaceCall('anthropic', '/claude-kiro-oauth', MODEL.kiro, stream)
  }
]
