import t, { type Test } from 'tap'
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FakeServer, RecordedRequest } from '../fakes/http-fake.js'
import { startGateway } from '../helpers/gateway.js'
import { CODEX_VERSION, codexConfig, installCodex, runCodex } from './codex-cli.js'
import { chatToolOutput, COMMAND, responsesToolOutput, shellCall, startScriptedChat, startScriptedResponses } from './codex-upstreams.js'

// The real Codex CLI (`codex exec`, non-interactive) pointed at the gateway's Responses surface, on a task that
// needs one tool call: it must run `cat answer.txt` through its shell tool, send the output back, and print the
// number. Once translated to Chat Completions (openai-custom), once passed through to a Responses upstream.

const KEY = 'sk-switchboard-codex-client'
const UPSTREAM_KEY = 'sk-upstream-codex-5678'
const SECRET = String(randomInt(10_000, 100_000))
const PROMPT = `Run \`${COMMAND}\` and tell me the number it prints.`

interface Case {
  provider: string
  upstream: (secret: string) => Promise<FakeServer>
  config: (upstreamUrl: string) => Record<string, unknown>
  /** The upstream's model calls, in order. */
  calls: (fake: FakeServer) => RecordedRequest[]
  toolOutput: (body: unknown) => string | undefined
  /** What shows the request took this provider's path (translated or untouched). */
  path: (t: Test, first: Record<string, unknown>) => void
}

const cases: Case[] = [
  {
    provider: 'openai-custom',
    upstream: startScriptedChat,
    config: url => ({ OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: UPSTREAM_KEY }),
    calls: fake => fake.requests.filter(r => r.method === 'POST' && r.url.startsWith('/v1/chat/completions')),
    toolOutput: chatToolOutput,
    path: (t, first) => {
      t.ok(Array.isArray(first.messages), 'the Responses request was translated to Chat Completions')
      t.equal(first.stream, true, 'Codex streams, so the upstream call streams')
    }
  },
  {
    provider: 'openaiResponses-custom',
    upstream: startScriptedResponses,
    config: url => ({ OPENAI_RESPONSES_BASE_URL: `${url}/v1`, OPENAI_RESPONSES_API_KEY: UPSTREAM_KEY }),
    calls: fake => fake.requests.filter(r => r.method === 'POST' && r.url.startsWith('/v1/responses')),
    toolOutput: responsesToolOutput,
    path: (t, first) => {
      t.ok(Array.isArray(first.input), 'the Responses request was forwarded as a Responses request')
      t.equal(typeof first.prompt_cache_key, 'string', 'Codex\'s own fields reach the upstream untouched (passthrough)')
    }
  }
]

const launcher = await installCodex()

for (const c of cases) {
  t.test(`Codex CLI ${CODEX_VERSION} → ${c.provider}: a task that needs one shell tool call`, async t => {
    const upstream = await c.upstream(SECRET)
    const gw = await startGateway({ REQUIRED_API_KEY: KEY, ...c.config(upstream.url) })
    const home = mkdtempSync(join(tmpdir(), 'swb-codex-home-'))
    const work = mkdtempSync(join(tmpdir(), 'swb-codex-work-'))
    t.teardown(async () => {
      await gw.close()
      await upstream.close()
      rmSync(home, { recursive: true, force: true })
      rmSync(work, { recursive: true, force: true })
    })
    writeFileSync(join(work, 'answer.txt'), `${SECRET}\n`)

    const config = codexConfig(`${gw.url}/${c.provider}/v1`)
    const result = await runCodex(launcher, { cwd: work, home, config, key: KEY, prompt: PROMPT })
    const diagnostics = { stderr: result.stderr.slice(-4000), upstream: upstream.requests.map(r => `${r.method} ${r.url}`) }

    t.equal(result.code, 0, 'codex exits 0', diagnostics)
    t.match(result.stdout, `The number in answer.txt is ${SECRET}.`, 'its final message carries the number', diagnostics)
    t.match(result.stderr, COMMAND, 'it ran the command the model asked for')

    const calls = c.calls(upstream)
    t.equal(calls.length, 2, 'two model calls: the tool call, then the answer', diagnostics)
    const [first, second] = calls.map(r => r.json as Record<string, unknown>)
    if (first === undefined || second === undefined) return
    t.ok(shellCall(first.tools), 'Codex\'s shell tool reached the upstream with its parameters')
    t.equal(c.toolOutput(first), undefined, 'the first call carries no tool output')
    t.match(c.toolOutput(second) ?? '', SECRET, 'the second call carries the command\'s output: the file\'s content')
    c.path(t, first)
    for (const call of calls) t.equal(call.headers.authorization, `Bearer ${UPSTREAM_KEY}`, 'the upstream gets its own key, not the client\'s')
    t.notOk(gw.logs.some(line => line.includes(KEY) || line.includes(UPSTREAM_KEY)), 'no key in the gateway\'s logs')
  })
}
