#!/usr/bin/env node
// Start-up time of the built CLI: spawns `node dist/cli.js` N times, polls GET /health every 2 ms, and prints the
// median wall time from spawn to the first 200 and the child's CPU time (all threads) at that moment.
// CPU is the steadier number on a shared machine. Several scripts are measured interleaved (fair under noisy load).
// Usage: [STARTUP_PORT=39111] node scripts/startup-time.mjs [runs=5] [script=dist/cli.js ...]
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const runs = Number(process.argv[2] ?? 5)
const scripts = process.argv.length > 3 ? process.argv.slice(3) : ['dist/cli.js']
const port = Number(process.env.STARTUP_PORT ?? 39111)

// CPU time of every thread, to the nanosecond (schedstat), rather than /proc/<pid>/stat's 10 ms ticks.
function cpuMs (pid) {
  let ns = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
  }
  return ns / 1e6
}

function healthy () {
  return new Promise(resolve => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, res => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.end()
  })
}

async function once (script) {
  const cwd = mkdtempSync(join(tmpdir(), 'sb-start-'))
  const t0 = performance.now()
  const child = spawn(process.execPath, [resolve(script)], {
    cwd,
    env: { ...process.env, SERVER_PORT: String(port), REQUIRED_API_KEY: 'k', HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`)
      if (await healthy()) return { wall: performance.now() - t0, cpu: cpuMs(child.pid) }
      await sleep(2)
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise(r => child.exitCode !== null ? r() : child.once('exit', r))
    rmSync(cwd, { recursive: true, force: true })
  }
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const samples = new Map(scripts.map(s => [s, []]))
for (let i = 0; i < runs; i++) for (const script of scripts) samples.get(script).push(await once(script))
const fmt = xs => xs.map(x => x.toFixed(0)).join(' ')
for (const [script, xs] of samples) {
  const wall = xs.map(s => s.wall)
  const cpu = xs.map(s => s.cpu)
  console.log(`${script}\n  wall ms: median ${median(wall).toFixed(0)} min ${Math.min(...wall).toFixed(0)}  [${fmt(wall)}]`)
  console.log(`  cpu  ms: median ${median(cpu).toFixed(0)} min ${Math.min(...cpu).toFixed(0)}  [${fmt(cpu)}]`)
}
