import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway } from '../helpers/gateway.js'
import { installClient, runCli, startEgressSink } from './cli-runner.js'
import { lastToolResult, startScriptedAnthropic, startScriptedOpenAI, type AgentScript, type Protocol } from './scripted-upstreams.js'

// Claude Code (the real CLI, print mode) → gateway → a scripted upstream, on claude-custom (passthrough) and
// openai-custom (translated). 2.1.112 is the last release that is plain JavaScript for Node ≥ 18; later ones are a
// native binary whose package asks for Node ≥ 22.
const VERSION = '2.1.112'
const KEY = 'gw-client-key-cc'
const SECRET = 'PAPAYA-7391'

const cli = await installClient('@anthropic-ai/claude-code', VERSION, 'cli.js')

for (const [provider, protocol] of [['claude-custom', 'anthropic'], ['openai-custom', 'openai']] as Array<[string, Protocol]>) {
  t.test(`Claude Code through ${provider}: one Read tool call, then the answer`, async t => {
    const workspace = mkdtempSync(join(tmpdir(), 'swb-cc-work-'))
    writeFileSync(join(workspace, 'note.txt'), `The secret word is ${SECRET}.\n`)
    const script: AgentScript = (toolResult, toolsOffered) => {
      if (toolResult !== undefined) return { text: toolResult.includes(SECRET) ? `Found it: ${SECRET}` : 'the tool result did not arrive' }
      return toolsOffered ? { toolCall: { name: 'Read', args: { file_path: join(workspace, 'note.txt') } } } : { text: 'ok' }
    }
    const upstream = protocol === 'anthropic' ? await startScriptedAnthropic(script) : await startScriptedOpenAI(script)
    const gw = await startGateway({
      REQUIRED_API_KEY: KEY,
      CLAUDE_API_KEY: 'sk-ant-upstream',
      CLAUDE_BASE_URL: `${upstream.url}/v1`,
      OPENAI_API_KEY: 'sk-openai-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`
    })
    const sink = await startEgressSink()
    t.teardown(async () => { await gw.close(); await upstream.close(); await sink.close() })

    const run = await runCli(cli, ['-p', 'Read note.txt and tell me the secret word.', '--output-format', 'json', '--allowedTools', 'Read'], {
      cwd: workspace,
      sink,
      env: {
        ANTHROPIC_BASE_URL: `${gw.url}/${provider}`,
        ANTHROPIC_API_KEY: KEY,
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'
      }
    })
    t.equal(run.code, 0, `claude exited 0${run.code === 0 ? '' : `: ${run.stderr.slice(-2000)} ${run.stdout.slice(-2000)}`}`)
    const result = JSON.parse(run.stdout || '{}') as { result?: string, is_error?: boolean }
    t.equal(result.is_error, false)
    t.match(result.result, SECRET, 'the final answer came back through the gateway')

    const chats = upstream.requests.filter(r => r.method === 'POST' && /\/(messages|chat\/completions)/.test(r.url))
    t.ok(chats.some(r => lastToolResult(protocol, r.json)?.includes(SECRET) === true), 'the Read tool\'s result reached the upstream')
    for (const r of chats) {
      if (protocol === 'anthropic') t.equal(r.headers['x-api-key'], 'sk-ant-upstream', 'upstream key, not the client\'s')
      else t.equal(r.headers.authorization, 'Bearer sk-openai-upstream', 'upstream key, not the client\'s')
    }
    t.comment(`upstream calls: ${chats.length}; calls the CLI tried beyond the gateway (refused locally): ${sink.attempts.join(', ') || 'none'}`)
  })
}
