import type { FakeOpenAI } from '../fakes/openai-upstream.js'

/**
 * Gateway config with a fill-first openai-custom pool: one member per fake upstream, named by its key in `upstreams`
 * and tried in that order; `apiKeys` gives a member its OPENAI_API_KEY.
 */
export function fillFirstOpenAIPool (upstreams: Record<string, FakeOpenAI>, apiKeys: Record<string, string> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const members = Object.entries(upstreams).map(([name, fake]) => ({
    name,
    options: { OPENAI_BASE_URL: `${fake.url}/v1`, ...(apiKeys[name] === undefined ? {} : { OPENAI_API_KEY: apiKeys[name] }) }
  }))
  return { PROVIDER_POOLS: { 'openai-custom': { strategy: 'fill-first', members } }, ...extra }
}
