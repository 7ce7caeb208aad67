/** A configuration problem that names the key; the CLI prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor (readonly key: string, message: string) {
    super(`Invalid configuration: ${key}: ${message}`)
    this.name = 'ConfigError'
  }
}
