import t from 'tap'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway } from '../helpers/gateway.js'
import { installClient, runCli, startEgressSink } from './cli-runner.js'
import { lastToolResult, startScriptedGemini, startScriptedOpenAI, type AgentScript, type Protocol } from './scripted-upstreams.js'

// Gemini CLI (the real CLI, headless) → gateway → a scripted upstream, on gemini-custom (passthrough) and
// openai-custom (translated). 0.61.0 declares Node ≥ 20.
const VERSION = '0.61.0'
const KEY = 'gw-client-key-gemini'
const SECRET = 'MANGO-2804'

/** The user settings a headless run needs: the API-key auth type, and no usage statistics, telemetry or updates. */
const SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false }
}

const cli = await installClient('@google/gemini-cli', VERSION, 'bundle/gemini.js')

for (const [provider, protocol] of [['gemini-custom', 'gemini'], ['openai-custom', 'openai']] as Array<[string, Protocol]>) {
  t.test(`Gemini CLI through ${provider}: one read_file call, then the answer`, async t => {
    const workspace = mkdtempSync(join(tmpdir(), 'swb-gemini-work-'))
    writeFileSync(join(workspace, 'note.txt'), `The secret word is ${SECRET}.\n`)
    const home = mkdtempSync(join(tmpdir(), 'swb-gemini-home-'))
    mkdirSync(join(home, '.gemini'))
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify(SETTINGS))
    const script: AgentScript = (toolResult, toolsOffered) => {
      if (toolResult !== undefined) return { text: toolResult.includes(SECRET) ? `Found it: ${SECRET}` : 'the tool result did not arrive' }
      return toolsOffered ? { toolCall: { name: 'read_file', args: { file_path: join(workspace, 'note.txt') } } } : { text: 'ok' }
    }
    const upstream = protocol === 'gemini' ? await startScriptedGemini(script) : await startScriptedOpenAI(script)
    const gw = await startGateway({
      REQUIRED_API_KEY: KEY,
      GEMINI_API_KEY: 'gemini-upstream-key',
      GEMINI_API_BASE_URL: `${upstream.url}/v1beta`,
      OPENAI_API_KEY: 'sk-openai-upstream',
      OPENAI_BASE_URL: `${upstream.url}/v1`
    })
    const sink = await startEgressSink()
    t.teardown(async () => { await gw.close(); await upstream.close(); await sink.close() })

    const run = await runCli(cli, ['-p', 'Read note.txt and tell me the secret word.', '--output-format', 'json', '-m', 'gemini-2.5-flash'], {
      cwd: workspace,
      home,
      sink,
      env: {
        GOOGLE_GEMINI_BASE_URL: `${gw.url}/${provider}`,
        GEMINI_API_KEY: KEY,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
        // One process instead of a relaunch with a bigger heap: a one-shot prompt does not need it.
        GEMINI_CLI_NO_RELAUNCH: 'true'
      }
    })
    t.equal(run.code, 0, `gemini exited 0${run.code === 0 ? '' : `: ${run.stderr.slice(-3000)} ${run.stdout.slice(-2000)}`}`)
    const result = JSON.parse(run.stdout || '{}') as { response?: string, error?: unknown }
    t.equal(result.error, undefined)
    t.match(result.response, SECRET, 'the final answer came back through the gateway')

    const chats = upstream.requests.filter(r => r.method === 'POST' && /(:(stream)?generateContent|\/chat\/completions)/i.test(r.url))
    t.ok(chats.some(r => lastToolResult(protocol, r.json)?.includes(SECRET) === true), 'the read_file result reached the upstream')
    for (const r of chats) {
      if (protocol === 'gemini') t.equal(r.headers['x-goog-api-key'], 'gemini-upstream-key', 'upstream key, not the client\'s')
      else t.equal(r.headers.authorization, 'Bearer sk-openai-upstream', 'upstream key, not the client\'s')
    }
    t.comment(`upstream calls: ${chats.map(r => r.url.split('?')[0]).join(', ')}; calls the CLI tried beyond the gateway (refused locally): ${sink.attempts.join(', ') || 'none'}`)
  })
}
