import { existsSync } from 'node:fs'
import type { GatewayConfig } from '../schemas/config.js'
import { loadConfig, readConfigFile } from '../plugins/config-loader.js'
import { flagsToConfig } from '../plugins/cli-flags.js'
import { Transport, transportOptions } from '../plugins/transport.js'
import { proxyChoiceFor } from '../plugins/proxy-settings.js'

/** Where a command writes and what environment it reads; tests pass their own. */
export interface CommandIo {
  out(line: string): void
  err(line: string): void
  env: NodeJS.ProcessEnv
}

export function processIo (): CommandIo {
  return {
    out: line => { process.stdout.write(`${line}\n`) },
    err: line => { process.stderr.write(`${line}\n`) },
    env: process.env
  }
}

/** Thrown for a wrong command line; the dispatcher prints it with the command's usage. */
export class UsageError extends Error {}

/** The gateway configuration as `serve` builds it: defaults, --config FILE, the environment (and .env), flags. */
export function loadCommandConfig (argv: string[], io: CommandIo): GatewayConfig {
  const flags = flagsToConfig(argv)
  if (flags.help) throw new UsageError('help')
  // Like serve: a .env in the working directory fills what the real environment leaves unset.
  if (io.env === process.env && existsSync('.env')) process.loadEnvFile('.env')
  return loadConfig({
    ...(flags.file === undefined ? {} : { file: readConfigFile(flags.file) }),
    env: io.env,
    flags: flags.values
  }).config
}

/** A Transport for a one-off command on behalf of one provider type, with the gateway's timeouts and its proxy. */
export function commandTransport (config: GatewayConfig, providerType: string, env: NodeJS.ProcessEnv): Transport {
  return new Transport(transportOptions(config)).withProxy(proxyChoiceFor(providerType, config, env))
}
