import type { Test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FakeServer } from '../fakes/http-fake.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { startEgressSink, type EgressSink } from './cli-runner.js'
import { lastToolResult, startScriptedUpstream, type AgentScript, type Protocol, type Turn } from './scripted-upstreams.js'

/** The client key the CLIs send to the gateway (REQUIRED_API_KEY); the upstream keys below must replace it. */
export const CLIENT_KEY = 'gw-client-key-0001'
const UPSTREAM_AUTH: Record<Protocol, [header: string, value: string]> = {
  anthropic: ['x-api-key', 'sk-ant-upstream'],
  gemini: ['x-goog-api-key', 'gemini-upstream-key'],
  openai: ['authorization', 'Bearer sk-openai-upstream']
}

export interface ToolLoop { workspace: string, upstream: FakeServer, gw: TestGateway, sink: EgressSink }

/**
 * The scenario both CLI tests run: a workspace with note.txt holding a secret; an upstream (in `protocol`) that asks
 * for the client's file-reading tool first and answers with the secret once the tool result brings it back; the
 * gateway in front with every provider's key; an egress sink for everything else.
 */
export async function startToolLoop (t: Test, protocol: Protocol, secret: string, tool: (file: string) => NonNullable<Turn['toolCall']>): Promise<ToolLoop> {
  const workspace = mkdtempSync(join(tmpdir(), 'swb-cli-work-'))
  writeFileSync(join(workspace, 'note.txt'), `The secret word is ${secret}.\n`)
  const script: AgentScript = (toolResult, toolsOffered) => {
    if (toolResult !== undefined) return { text: toolResult.includes(secret) ? `Found it: ${secret}` : 'the tool result did not arrive' }
    return toolsOffered ? { toolCall: tool(join(workspace, 'note.txt')) } : { text: 'ok' }
  }
  const upstream = await startScriptedUpstream(protocol, script)
  const gw = await startGateway({
    REQUIRED_API_KEY: CLIENT_KEY,
    CLAUDE_API_KEY: UPSTREAM_AUTH.anthropic[1],
    CLAUDE_BASE_URL: `${upstream.url}/v1`,
    GEMINI_API_KEY: UPSTREAM_AUTH.gemini[1],
    GEMINI_API_BASE_URL: `${upstream.url}/v1beta`,
    OPENAI_API_KEY: UPSTREAM_AUTH.openai[1].replace('Bearer ', ''),
    OPENAI_BASE_URL: `${upstream.url}/v1`
  })
  const sink = await startEgressSink()
  t.teardown(async () => { await gw.close(); await upstream.close(); await sink.close() })
  return { workspace, upstream, gw, sink }
}

/** What the upstream saw: the tool result came back to it, and every model call carried the upstream's own key. */
export function checkUpstreamSide (t: Test, loop: ToolLoop, protocol: Protocol, secret: string): void {
  const chats = loop.upstream.requests.filter(r => r.method === 'POST' && /(\/messages|:(stream)?generateContent|\/chat\/completions)(\?|$)/i.test(r.url))
  t.ok(chats.some(r => lastToolResult(protocol, r.json)?.includes(secret) === true), 'the tool\'s result reached the upstream')
  const [header, value] = UPSTREAM_AUTH[protocol]
  t.ok(chats.length >= 2 && chats.every(r => r.headers[header] === value), `${chats.length} model calls, each with the upstream key, not the client's`)
  t.comment(`upstream calls: ${chats.map(r => r.url.split('?')[0]).join(', ')}; calls the CLI tried beyond the gateway (refused locally): ${loop.sink.attempts.join(', ') || 'none'}`)
}
