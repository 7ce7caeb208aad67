// Run as a child process by test/e2e/embed.test.ts (node --import tsx): a host app embeds the gateway with every
// feature that owns a timer, socket or file (Redis state, pools with scheduled health checks, a watched system
// prompt file, the file prompt log), serves requests, closes, and reports what is still alive. The parent also
// checks that this process then exits by itself.
import { createHook } from 'node:async_hooks'
import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import OpenAI from 'openai'
import { Agent, fetch as undiciFetch } from 'undici'
import { buildHostApp } from '../../examples/embed/app.js'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'
import { SHARED_REDIS_URL, deleteKeys, uniquePrefix } from './redis-server.js'

/**
 * Resource kinds that keep work or memory alive: timers (ref'd or not), sockets, servers, watchers. (Open files are
 * counted from /proc/self/fd instead: a FILEHANDLE's destroy hook waits for garbage collection.)
 */
const TRACKED = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'FSEVENTWRAP', 'STATWATCHER', 'PIPEWRAP'])
const live = new Map<number, string>()
/** Node's own unref'd timer that caches the HTTP Date header: not the gateway's. */
const nodeDateCache = (): boolean => /at utcDate \(node:internal\/http/.test(new Error().stack ?? '')
createHook({
  init (id, type) { if (TRACKED.has(type) && !(type === 'Timeout' && nodeDateCache())) live.set(id, type) },
  destroy (id) { live.delete(id) }
}).enable()

/** Open file descriptors and what they point at (sockets, files), without the listing's own. */
function openFds (): Map<string, string> {
  const out = new Map<string, string>()
  for (const fd of readdirSync('/proc/self/fd')) {
    try { out.set(fd, readlinkSync(`/proc/self/fd/${fd}`)) } catch { /* the listing's own descriptor, gone already */ }
  }
  return out
}

const dir = mkdtempSync(join(tmpdir(), 'swb-embed-'))
writeFileSync(join(dir, 'system.txt'), 'Be brief.')
const prefix = uniquePrefix('embed-lifecycle')
const upstream = await startFakeOpenAI()
const before = new Set(live.keys())
const fdsBefore = openFds()
const baseline = process.getActiveResourcesInfo()

const app = await buildHostApp({
  OPENAI_BASE_URL: `${upstream.url}/v1`,
  REQUIRED_API_KEY: 'gw-key',
  REDIS_URL: SHARED_REDIS_URL,
  REDIS_KEY_PREFIX: prefix,
  SYSTEM_PROMPT_FILE_PATH: join(dir, 'system.txt'),
  PROMPT_LOG_MODE: 'file',
  PROMPT_LOG_BASE_NAME: join(dir, 'prompt_log'),
  HEALTH_CHECK_INTERVAL_MS: 100,
  PROVIDER_POOLS: {
    'openai-custom': {
      members: [
        { name: 'a', healthCheck: { enabled: true, model: 'gpt-4o-mini' }, options: { OPENAI_BASE_URL: `${upstream.url}/v1` } },
        { name: 'b', options: { OPENAI_BASE_URL: `${upstream.url}/v1` } }
      ]
    }
  }
})
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const agent = new Agent()
const client = new OpenAI({ apiKey: 'gw-key', baseURL: `${address}/llm/v1`, maxRetries: 0, fetch: undiciFetch as unknown as typeof fetch, fetchOptions: { dispatcher: agent } as Record<string, unknown> })
await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream' }] })
for await (const _chunk of stream) { /* drain */ }
// Let a few health-check rounds and system-prompt polls run.
await sleep(350)
const healthChecks = upstream.requests.filter(r => (r.json as { model?: string } | undefined)?.model === 'gpt-4o-mini').length

await app.close()
await agent.close()
await upstream.close()
await deleteKeys(SHARED_REDIS_URL, prefix)
// Sockets and handles report their close on later turns of the loop, and undici's shared timer wheel (a library
// global, not the gateway's) stops one tick after its last timer: let things settle, bounded.
const created = (): string[] => [...live].filter(([id]) => !before.has(id)).map(([, type]) => type)
for (let i = 0; i < 40 && created().length > 0; i++) await sleep(100)
await new Promise(resolve => setImmediate(resolve))

const leftover = created()
const files = [...openFds()].filter(([fd, target]) => fdsBefore.get(fd) !== target).map(([, target]) => target)
// Resources keeping the loop alive now that were not there before the app (a multiset difference).
const remaining = [...baseline]
const active = process.getActiveResourcesInfo().filter(r => {
  const i = remaining.indexOf(r)
  if (i === -1) return true
  remaining.splice(i, 1)
  return false
})
process.stdout.write(`${JSON.stringify({ healthChecks, leftover, files, active, baseline })}\n`)
