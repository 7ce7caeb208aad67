import { createHash, randomUUID } from 'node:crypto'

/**
 * Request headers and endpoint for generateAssistantResponse (FORMATS.md §6 "Endpoints", "Headers").
 *
 * Kiro expects the IDE's AWS SDK user agents, ending in `KiroIDE-<version>-<machineId>` where the machine id is a
 * sha256 hex string. The gateway derives it from a stable seed of the credential (see kiroMachineId), so one
 * login always presents as one machine.
 */

export type KiroApiStyle = 'ide' | 'cli'

export interface KiroHeaderOptions {
  /** `amz-sdk-invocation-id`; a fresh UUID per request by default. */
  invocationId?: string
  kiroVersion?: string
  /** 'ide' (REST generateAssistantResponse, default) or 'cli' (x-amz-json-1.0 + x-amz-target). */
  style?: KiroApiStyle
  /** `ksk_…` API keys need `tokentype: API_KEY`. */
  apiKey?: boolean
  /** For the user agent; default: this process's platform and Node version. */
  os?: string
  nodeVersion?: string
}

export const KIRO_IDE_VERSION = '0.12.184'
const SDK_VERSION = '1.0.27'

/** A stable machine id: sha256 hex of a per-credential seed (profileArn, clientId or the provider instance id). */
export function kiroMachineId (seed: string): string {
  return createHash('sha256').update(seed).digest('hex')
}

export function kiroHeaders (accessToken: string, machineId: string, opts: KiroHeaderOptions = {}): Record<string, string> {
  const version = opts.kiroVersion ?? KIRO_IDE_VERSION
  const os = opts.os ?? process.platform
  const node = opts.nodeVersion ?? process.versions.node
  const agent = `KiroIDE-${version}-${machineId}`
  const headers: Record<string, string> = {
    authorization: `Bearer ${accessToken}`,
    'content-type': opts.style === 'cli' ? 'application/x-amz-json-1.0' : 'application/json',
    accept: 'application/json',
    'amz-sdk-invocation-id': opts.invocationId ?? randomUUID(),
    'amz-sdk-request': 'attempt=1; max=1',
    'x-amzn-kiro-agent-mode': 'vibe',
    'x-amzn-codewhisperer-optout': 'true',
    'user-agent': `aws-sdk-js/${SDK_VERSION} ua/2.1 os/${os} lang/js md/nodejs#${node} api/codewhispererstreaming#${SDK_VERSION} m/E ${agent}`,
    'x-amz-user-agent': `aws-sdk-js/${SDK_VERSION} ${agent}`
  }
  if (opts.style === 'cli') headers['x-amz-target'] = 'AmazonCodeWhispererStreamingService.GenerateAssistantResponse'
  if (opts.apiKey === true) headers.tokentype = 'API_KEY'
  return headers
}

export const DEFAULT_KIRO_API_URL = 'https://q.{{region}}.amazonaws.com/generateAssistantResponse'
const CLI_API_URL = 'https://q.{{region}}.amazonaws.com/'

/** The generateAssistantResponse URL for an API region (`template` overrides, e.g. KIRO_BASE_URL or a test server). */
export function kiroApiUrl (region: string, style: KiroApiStyle = 'ide', template?: string): string {
  return (template ?? (style === 'cli' ? CLI_API_URL : DEFAULT_KIRO_API_URL)).replaceAll('{{region}}', region)
}
