import type { ModelInfo } from '../../schemas/canonical.js'
import { notFound } from '../../plugins/gateway-error.js'

/**
 * Client model names → Kiro model ids (FORMATS.md §6: Kiro uses dots, `claude-sonnet-4.5`).
 *
 * An unknown model is a 404 that lists the known ones: silently switching models would bill and answer with a
 * model the client did not ask for. Users extend or override the table with `overrides` (client id → Kiro id).
 */

export interface KiroModel {
  /** The name clients use (and /v1/models lists). */
  id: string
  /** The id sent as `modelId`. */
  kiroId: string
  /** Other client names accepted for it (dated Anthropic ids, the Kiro id itself). */
  aliases: string[]
  displayName: string
  contextWindow: number
  /**
   * Accepts `additionalModelRequestFields` with adaptive thinking. Public proxies report that 4.5-and-older models
   * reject the envelope with a 400, so reasoning settings are not sent to them (see request-thinking.ts).
   */
  adaptiveThinking: boolean
}

/** Context window used for estimates when a model's is unknown (every current Kiro Claude model has 200k). */
export const DEFAULT_CONTEXT_WINDOW = 200_000

function model (id: string, kiroId: string, displayName: string, aliases: string[], adaptiveThinking = false): KiroModel {
  return { id, kiroId, aliases, displayName, contextWindow: DEFAULT_CONTEXT_WINDOW, adaptiveThinking }
}

export const KIRO_MODELS: readonly KiroModel[] = [
  model('claude-sonnet-4-5', 'claude-sonnet-4.5', 'Claude Sonnet 4.5', ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5']),
  model('claude-haiku-4-5', 'claude-haiku-4.5', 'Claude Haiku 4.5', ['claude-haiku-4-5-20251001', 'claude-haiku-4.5']),
  model('claude-opus-4-5', 'claude-opus-4.5', 'Claude Opus 4.5', ['claude-opus-4-5-20251101', 'claude-opus-4.5']),
  model('claude-sonnet-4-6', 'claude-sonnet-4.6', 'Claude Sonnet 4.6', ['claude-sonnet-4.6'], true),
  model('claude-opus-4-6', 'claude-opus-4.6', 'Claude Opus 4.6', ['claude-opus-4.6'], true),
  model('claude-sonnet-4', 'claude-sonnet-4', 'Claude Sonnet 4', ['claude-sonnet-4-20250514', 'claude-sonnet-4-0']),
  model('claude-3-7-sonnet', 'CLAUDE_3_7_SONNET_20250219_V1_0', 'Claude 3.7 Sonnet',
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest', 'CLAUDE_3_7_SONNET_20250219_V1_0']),
  model('auto', 'auto', 'Kiro auto (Kiro picks the model)', [])
]

export interface ResolvedKiroModel {
  /** The client-facing name (what responses report). */
  id: string
  kiroId: string
  contextWindow: number
  adaptiveThinking: boolean
}

/** User table: client model name → Kiro model id; wins over the built-in table and may add new names. */
export type KiroModelOverrides = Readonly<Record<string, string>>

function findBuiltIn (name: string): KiroModel | undefined {
  return KIRO_MODELS.find((m) => m.id === name || m.aliases.includes(name))
}

/** Maps a client model name to the Kiro model; throws a 404 GatewayError listing the known names otherwise. */
export function resolveKiroModel (requested: string, overrides: KiroModelOverrides = {}): ResolvedKiroModel {
  const override = Object.hasOwn(overrides, requested) ? overrides[requested] : undefined
  if (override !== undefined) {
    // A user-mapped name inherits the traits of the Kiro model it points to, when we know it.
    const known = KIRO_MODELS.find((m) => m.kiroId === override)
    return {
      id: requested,
      kiroId: override,
      contextWindow: known?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
      adaptiveThinking: known?.adaptiveThinking ?? false
    }
  }
  const found = findBuiltIn(requested)
  if (found === undefined) {
    const known = knownModelNames(overrides).join(', ')
    throw notFound(`The model '${requested}' is not available through Kiro. Known models: ${known}`, 'model_not_found')
  }
  return { id: requested, kiroId: found.kiroId, contextWindow: found.contextWindow, adaptiveThinking: found.adaptiveThinking }
}

/** Context window for a client name or Kiro id, for the contextUsagePercentage estimate. */
export function contextWindowFor (name: string, overrides: KiroModelOverrides = {}): number {
  const kiroId = Object.hasOwn(overrides, name) ? overrides[name] : undefined
  const found = findBuiltIn(name) ?? KIRO_MODELS.find((m) => m.kiroId === (kiroId ?? name))
  return found?.contextWindow ?? DEFAULT_CONTEXT_WINDOW
}

function knownModelNames (overrides: KiroModelOverrides): string[] {
  return [...new Set([...KIRO_MODELS.map((m) => m.id), ...Object.keys(overrides)])]
}

/** The /v1/models list: the built-in models plus user-mapped names. */
export function kiroModelList (providerId: string, overrides: KiroModelOverrides = {}): ModelInfo[] {
  const list: ModelInfo[] = KIRO_MODELS.map((m) => ({
    id: m.id,
    provider: providerId,
    displayName: m.displayName,
    ownedBy: 'kiro',
    inputTokenLimit: m.contextWindow,
    thinking: m.adaptiveThinking
  }))
  for (const [name, kiroId] of Object.entries(overrides)) {
    if (list.some((m) => m.id === name)) continue
    const known = KIRO_MODELS.find((m) => m.kiroId === kiroId)
    list.push({
      id: name,
      provider: providerId,
      displayName: known?.displayName ?? kiroId,
      ownedBy: 'kiro',
      inputTokenLimit: known?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
      thinking: known?.adaptiveThinking ?? false
    })
  }
  return list
}
