import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startFakeOpenAI } from '../fakes/openai-upstream.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Starts the real, built CLI (npm test builds first) and resolves with its URL once it logs that it listens. */
async function startCli (env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['dist/cli.js', '--port', '0', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => { output += c.toString() })
  child.stderr.on('data', (c: Buffer) => { output += c.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1] !== undefined) { clearInterval(timer); resolve(match[1]) }
    }, 20)
    child.once('exit', code => { clearInterval(timer); reject(new Error(`cli exited (${String(code)}): ${output}`)) })
  })
  return { child, url, output: () => output }
}

t.test('SIGTERM lets an in-flight stream finish, refuses new work, and exits 0', async t => {
  const upstream = await startFakeOpenAI()
  upstream.route('POST /v1/chat/completions', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const chunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: finish === null ? { content } : {}, finish_reason: finish }] })}\n\n`
    for (const word of ['one ', 'two ', 'three ', 'four']) {
      res.write(chunk(word))
      await new Promise(resolve => setTimeout(resolve, 150))
    }
    res.end(chunk('', 'stop') + 'data: [DONE]\n\n')
  })
  const cli = await startCli({ OPENAI_BASE_URL: `${upstream.url}/v1`, LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '10000' })
  t.teardown(async () => { cli.child.kill('SIGKILL'); await upstream.close() })

  const res = await fetch(`${cli.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'count' }] }) })
  const reader = res.body!.getReader()
  const first = await reader.read()
  t.match(Buffer.from(first.value ?? new Uint8Array()).toString(), /one/)
  cli.child.kill('SIGTERM')
  const exited = once(cli.child, 'exit')

  let rest = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    rest += Buffer.from(value).toString()
  }
  t.match(rest, /four/, 'the stream ran to its end after SIGTERM')
  t.match(rest, /data: \[DONE\]/)
  const refused = await fetch(`${cli.url}/health`).then(r => r.status, () => 'refused')
  t.not(refused, 200, 'no new work is accepted while shutting down')
  const [code] = await exited
  t.equal(code, 0, 'clean exit')
  t.match(cli.output(), /shutting down/)
})

t.test('a bad configuration value names its key and exits non-zero', async t => {
  const child = spawn(process.execPath, ['dist/cli.js'], { cwd: root, env: { ...process.env, SERVER_PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(err, /SERVER_PORT/)
})

t.test('without a key the CLI refuses a non-loopback host', async t => {
  const child = spawn(process.execPath, ['dist/cli.js', '--host', '0.0.0.0', '--port', '0'], { cwd: root, env: { ...process.env, REQUIRED_API_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(err, /HOST.*REQUIRED_API_KEY/)
})
