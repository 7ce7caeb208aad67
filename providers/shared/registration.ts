import type { GatewayConfig } from '../../schemas/config.js'

/** The provider types MODEL_PROVIDER names (a comma list; the first is the default). */
export function namedProviders (config: GatewayConfig): string[] {
  return config.MODEL_PROVIDER.split(',').map(s => s.trim()).filter(s => s !== '')
}

/** A provider is registered when its credentials are configured or MODEL_PROVIDER names it. */
export function shouldRegister (config: GatewayConfig, type: string, hasCredentials: boolean): boolean {
  return hasCredentials || namedProviders(config).includes(type)
}
