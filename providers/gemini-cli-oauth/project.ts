import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../../plugins/gateway-error.js'
import { isRecord } from '../../schemas/json-text.js'
import { accountActionError, validationRequiredMessage } from './errors.js'

/**
 * Which Google Cloud project a Code Assist login works in (FORMATS.md §5 "Project discovery", after gemini-cli
 * `setup.ts`): loadCodeAssist tells whether the account is set up (currentTier) and in which project; an account
 * that is not gets onboarded to its default tier with onboardUser, a long-running operation polled until done.
 * The free tier uses a Google-managed project and must not be sent one (Precondition Failed otherwise).
 * Used only when PROJECT_ID is not configured.
 */

export interface CodeAssistApi {
  post(method: 'loadCodeAssist' | 'onboardUser', body: unknown, signal: AbortSignal): Promise<unknown>
  /** GET {base}/v1internal/{name} of a long-running operation. */
  getOperation(name: string, signal: AbortSignal): Promise<unknown>
}

export interface CodeAssistProject {
  projectId: string
  tierId?: string
  tierName?: string
}

export interface DiscoveryOptions {
  /** Gemini CLI polls every 5 s. */
  pollIntervalMs: number
  /** Gives up after this many polls (a stuck operation must not hold requests forever). */
  maxPolls?: number
}

const METADATA = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' }
const LEGACY_TIER = 'legacy-tier'

function str (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function records (value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

function tierOf (value: unknown): { tierId?: string, tierName?: string } {
  if (!isRecord(value)) return {}
  const id = str(value.id)
  const name = str(value.name)
  return { ...(id === undefined ? {} : { tierId: id }), ...(name === undefined ? {} : { tierName: name }) }
}

/** VALIDATION_REQUIRED in loadCodeAssist's ineligibleTiers: the user has to verify the account first. */
function checkValidation (load: Record<string, unknown>): void {
  if (load.currentTier !== undefined && load.currentTier !== null) return
  const tier = records(load.ineligibleTiers).find(t => t.reasonCode === 'VALIDATION_REQUIRED' && str(t.validationUrl) !== undefined)
  if (tier !== undefined) throw accountActionError('validation_required', validationRequiredMessage(str(tier.validationUrl), str(tier.reasonMessage)))
}

/** No project could be determined: say why (ineligible tiers) and what to set. */
function noProjectError (load: Record<string, unknown>): GatewayError {
  const reasons = records(load.ineligibleTiers).map(t => str(t.reasonMessage) ?? str(t.reasonCode)).filter(r => r !== undefined)
  if (reasons.length > 0) {
    return accountActionError('ineligible_account', `This Google account cannot use Gemini Code Assist without a project: ${reasons.join('; ')}. Set PROJECT_ID to a Google Cloud project with Gemini Code Assist enabled (Standard or Enterprise licence), or log in with another account`)
  }
  return accountActionError('project_required', 'This Google account needs its own Google Cloud project for Gemini Code Assist (Workspace and licensed accounts do): set PROJECT_ID to that project\'s id (see https://goo.gle/gemini-cli-auth-docs#workspace-gca)')
}

async function onboard (api: CodeAssistApi, load: Record<string, unknown>, opts: DiscoveryOptions, signal: AbortSignal): Promise<CodeAssistProject> {
  const tier = records(load.allowedTiers).find(t => t.isDefault === true) ?? { id: LEGACY_TIER }
  const tierId = str(tier.id) ?? LEGACY_TIER
  // The free tier gets a managed project, so none is sent; discovery only runs without PROJECT_ID, so there is no
  // project to send for the other tiers either.
  const body = { tierId, metadata: METADATA }
  let op = await api.post('onboardUser', body, signal)
  const name = isRecord(op) ? str(op.name) : undefined
  const maxPolls = opts.maxPolls ?? 60
  for (let polls = 0; isRecord(op) && op.done !== true && name !== undefined; polls++) {
    if (polls >= maxPolls) {
      throw new GatewayError({ kind: 'timeout', status: 504, message: `Gemini Code Assist onboarding (${tierId}) did not finish; retry later`, credentialScoped: true })
    }
    await sleep(opts.pollIntervalMs, undefined, { signal })
    op = await api.getOperation(name, signal)
  }
  const response = isRecord(op) && isRecord(op.response) ? op.response : {}
  const project = isRecord(response.cloudaicompanionProject) ? str(response.cloudaicompanionProject.id) : undefined
  if (project === undefined) throw noProjectError(load)
  return { projectId: project, ...tierOf(tier) }
}

export async function discoverProject (api: CodeAssistApi, opts: DiscoveryOptions, signal: AbortSignal): Promise<CodeAssistProject> {
  const load = await api.post('loadCodeAssist', { metadata: METADATA }, signal)
  if (!isRecord(load)) throw new GatewayError({ kind: 'bad_gateway', status: 502, message: 'loadCodeAssist answered with something that is not a JSON object' })
  checkValidation(load)
  if (isRecord(load.currentTier)) {
    const project = str(load.cloudaicompanionProject)
    if (project === undefined) throw noProjectError(load)
    return { projectId: project, ...tierOf(load.paidTier ?? load.currentTier) }
  }
  return await onboard(api, load, opts, signal)
}
