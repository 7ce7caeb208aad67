/**
 * Subcommands besides serving (login, credential checks, token import). Each lives in its own module; this file
 * only dispatches, so the server path never loads them.
 */
export async function runCommand (command: string, args: string[]): Promise<void> {
  switch (command) {
    default:
      throw new Error(`Unknown command "${command}" (args: ${args.length}). Run "switchboard --help".`)
  }
}
