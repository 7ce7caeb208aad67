#!/usr/bin/env node
import { existsSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig, readConfigFile } from './plugins/config-loader.js'
import { buildServer, listen } from './server.js'
import { flagsToConfig, USAGE } from './plugins/cli-flags.js'

async function serve (argv: string[]): Promise<void> {
  const flags = flagsToConfig(argv)
  // A .env beside the working directory fills variables the environment does not already set.
  if (existsSync('.env')) process.loadEnvFile('.env')
  if (flags.help) {
    const { COMMANDS_USAGE } = await import('./commands.js')
    console.log(`${USAGE}\n\n${COMMANDS_USAGE}`)
    return
  }
  const { config, warnings } = loadConfig({
    ...(flags.file === undefined ? {} : { file: readConfigFile(flags.file) }),
    env: process.env,
    flags: flags.values
  })
  const server = await buildServer(config)
  for (const warning of warnings) server.log.warn(warning)
  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err !== undefined) server.log.error({ err }, 'fatal error, shutting down')
    else server.log.info({ signal }, 'shutting down: finishing in-flight requests')
    // Keep-alive connections turn idle as their last response ends; close them then, not at the grace deadline.
    const reaper = setInterval(() => { server.server.closeIdleConnections() }, 50)
    await server.close()
    clearInterval(reaper)
    ;(server.log as unknown as { flush?: () => void }).flush?.()
  })
  await listen(server, config)
}

async function main (): Promise<void> {
  const [command, ...rest] = process.argv.slice(2)
  if (command === undefined || command.startsWith('-')) return await serve(process.argv.slice(2))
  if (command === 'serve') return await serve(rest)
  const { runCommand } = await import('./commands.js')
  process.exitCode = await runCommand(command, rest)
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message)
  } else if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${err.message}\n\n${USAGE}`)
  } else {
    console.error(err)
  }
  process.exit(1)
})
