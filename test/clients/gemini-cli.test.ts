import t from 'tap'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installClient, jsonOutput, runCli } from './cli-runner.js'
import { CLIENT_KEY, checkUpstreamSide, startToolLoop } from './tool-loop.js'
import type { Protocol } from './scripted-upstreams.js'

// Gemini CLI (the real CLI, headless) → gateway → a scripted upstream, on gemini-custom (passthrough) and
// openai-custom (translated). 0.61.0 declares Node ≥ 20.
const VERSION = '0.61.0'
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
    const loop = await startToolLoop(t, protocol, SECRET, file => ({ name: 'read_file', args: { file_path: file } }))
    const home = mkdtempSync(join(tmpdir(), 'swb-gemini-home-'))
    mkdirSync(join(home, '.gemini'))
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify(SETTINGS))
    const run = await runCli(cli, ['-p', 'Read note.txt and tell me the secret word.', '--output-format', 'json', '-m', 'gemini-2.5-flash'], {
      cwd: loop.workspace,
      home,
      sink: loop.sink,
      env: {
        GOOGLE_GEMINI_BASE_URL: `${loop.gw.url}/${provider}`,
        GEMINI_API_KEY: CLIENT_KEY,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
        // One process instead of a relaunch with a bigger heap: a one-shot prompt does not need it.
        GEMINI_CLI_NO_RELAUNCH: 'true'
      }
    })
    t.equal(run.code, 0, `gemini exited 0${run.code === 0 ? '' : `: ${run.stderr.slice(-3000)} ${run.stdout.slice(-2000)}`}`)
    const result = jsonOutput(run.stdout)
    t.equal(result.error, undefined)
    t.match(String(result.response), SECRET, 'the final answer came back through the gateway')
    checkUpstreamSide(t, loop, protocol, SECRET)
  })
}
