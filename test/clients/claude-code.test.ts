import t from 'tap'
import { installClient, jsonOutput, runCli } from './cli-runner.js'
import { CLIENT_KEY, checkUpstreamSide, startToolLoop } from './tool-loop.js'
import type { Protocol } from './scripted-upstreams.js'

// Claude Code (the real CLI, print mode) → gateway → a scripted upstream, on claude-custom (passthrough) and
// openai-custom (translated). 2.1.112 is the last release that is plain JavaScript for Node ≥ 18; later ones are a
// native binary whose package asks for Node ≥ 22.
const VERSION = '2.1.112'
const SECRET = 'PAPAYA-7391'

const cli = await installClient('@anthropic-ai/claude-code', VERSION, 'cli.js')

for (const [provider, protocol] of [['claude-custom', 'anthropic'], ['openai-custom', 'openai']] as Array<[string, Protocol]>) {
  t.test(`Claude Code through ${provider}: one Read tool call, then the answer`, async t => {
    const loop = await startToolLoop(t, protocol, SECRET, file => ({ name: 'Read', args: { file_path: file } }))
    const run = await runCli(cli, ['-p', 'Read note.txt and tell me the secret word.', '--output-format', 'json', '--allowedTools', 'Read'], {
      cwd: loop.workspace,
      sink: loop.sink,
      env: {
        ANTHROPIC_BASE_URL: `${loop.gw.url}/${provider}`,
        ANTHROPIC_API_KEY: CLIENT_KEY,
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'
      }
    })
    t.equal(run.code, 0, `claude exited 0${run.code === 0 ? '' : `: ${run.stderr.slice(-2000)} ${run.stdout.slice(-2000)}`}`)
    const result = jsonOutput(run.stdout)
    t.equal(result.is_error, false)
    t.match(String(result.result), SECRET, 'the final answer came back through the gateway')
    checkUpstreamSide(t, loop, protocol, SECRET)
  })
}
