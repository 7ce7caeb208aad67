import { processIo, UsageError, type CommandIo } from './commands/io.js'

export type { CommandIo } from './commands/io.js'

/** The commands besides serving, for --help. */
export const COMMANDS_USAGE = `Commands:
  switchboard [serve] [flags]            run the gateway (the default)
  switchboard login gemini               sign in with Google for gemini-cli-oauth (Gemini Code Assist)
  switchboard credentials check          refresh and verify every configured OAuth credential
  switchboard kiro import FILE           copy a Kiro token file into place for claude-kiro-oauth`

interface CommandModule {
  usage: string
  run(args: string[], io: CommandIo): Promise<number>
}

/** Each command lives in its own module, loaded only when used, so the server path never loads them. */
async function lookup (command: string, args: string[]): Promise<CommandModule | undefined> {
  switch (command) {
    case 'login': {
      if (args[0] !== 'gemini') return undefined
      const m = await import('./commands/login-gemini.js')
      return { usage: m.LOGIN_GEMINI_USAGE, run: async (a, io) => await m.runLoginGemini(a.slice(1), io) }
    }
    case 'credentials': {
      const m = await import('./commands/credentials-check.js')
      return { usage: m.CREDENTIALS_USAGE, run: m.runCredentialsCheck }
    }
    case 'kiro': {
      const m = await import('./commands/kiro-import.js')
      return { usage: m.KIRO_USAGE, run: m.runKiroImport }
    }
    default:
      return undefined
  }
}

/**
 * Runs a subcommand and returns its exit code. Failures are printed as one plain message (no stack): they are
 * things the user has to fix, such as a revoked login or a file that is not a token file.
 */
export async function runCommand (command: string, args: string[], io: CommandIo = processIo()): Promise<number> {
  const module = await lookup(command, args)
  if (module === undefined) {
    io.err(`Unknown command "${[command, ...args.slice(0, 1)].join(' ')}".\n\n${COMMANDS_USAGE}`)
    return 2
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(module.usage)
    return 0
  }
  try {
    return await module.run(args, io)
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message === 'help') {
        io.out(module.usage)
        return 0
      }
      io.err(`${err.message}\n\n${module.usage}`)
      return 2
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${err.message}\n\n${module.usage}`)
      return 2
    }
    // ConfigError names the bad key; GatewayErrors from providers say what to do. Both are complete messages.
    io.err(`switchboard ${command}: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
