import type { StateStore } from '../../plugins/state-store.js'
import { isRecord } from '../../schemas/json-text.js'
import { discoverProject, type CodeAssistApi, type CodeAssistProject, type DiscoveryOptions } from './project.js'

/** A discovered project is stable for an account; a day bounds how long a changed setup goes unnoticed. */
const PROJECT_TTL_MS = 24 * 60 * 60_000

function parseProject (text: string | undefined): CodeAssistProject | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    if (!isRecord(value) || typeof value.projectId !== 'string' || value.projectId === '') return undefined
    return {
      projectId: value.projectId,
      ...(typeof value.tierId === 'string' ? { tierId: value.tierId } : {}),
      ...(typeof value.tierName === 'string' ? { tierName: value.tierName } : {})
    }
  } catch {
    return undefined
  }
}

/**
 * The discovered project of one credential, cached in the state store (shared by instances, kept across restarts
 * with Redis) and in memory; concurrent first requests share one discovery. A failed discovery is not cached, so
 * the next request tries again (after the user verified the account, for example).
 */
export class ProjectCache {
  private known: CodeAssistProject | undefined
  private inflight: Promise<CodeAssistProject> | undefined

  constructor (
    private readonly credential: string,
    private readonly state: StateStore,
    private readonly api: CodeAssistApi,
    private readonly opts: DiscoveryOptions
  ) {}

  private get key (): string {
    return `gemini-cli:project:${this.credential}`
  }

  async get (signal: AbortSignal): Promise<CodeAssistProject> {
    if (this.known !== undefined) return this.known
    this.inflight ??= this.load(signal).finally(() => { this.inflight = undefined })
    return await this.inflight
  }

  private async load (signal: AbortSignal): Promise<CodeAssistProject> {
    const stored = parseProject(await this.state.get(this.key).catch(() => undefined))
    const project = stored ?? await discoverProject(this.api, this.opts, signal)
    if (stored === undefined) await this.state.set(this.key, JSON.stringify(project), PROJECT_TTL_MS).catch(() => {})
    this.known = project
    return project
  }
}
