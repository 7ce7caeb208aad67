import type { ModelInfo } from '../../schemas/canonical.js'
import { notFound } from '../../plugins/gateway-error.js'
import { bareModel } from './wrap.js'

/**
 * The models a Gemini CLI login serves. Code Assist has no model-list endpoint, so the list is configuration
 * (GEMINI_CLI_MODELS) with these defaults. An unknown model is a 404 that lists them: silently switching would
 * answer (and spend quota) with a model the client did not ask for.
 */
export const DEFAULT_GEMINI_CLI_MODELS: readonly string[] = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview'
]

/** Every current Gemini model behind Code Assist has a 1M-token context and 64k output, and can think. */
const INPUT_TOKEN_LIMIT = 1_048_576
const OUTPUT_TOKEN_LIMIT = 65_536

export function geminiCliModels (configured: readonly string[] | undefined): string[] {
  const list = (configured ?? []).map(m => bareModel(m.trim())).filter(m => m !== '')
  return list.length > 0 ? [...new Set(list)] : [...DEFAULT_GEMINI_CLI_MODELS]
}

function displayName (id: string): string {
  return id.split('-').map(w => w === '' ? w : w[0]?.toUpperCase() + w.slice(1)).join(' ')
}

export function geminiCliModelList (provider: string, models: readonly string[]): ModelInfo[] {
  return models.map(id => ({
    id,
    provider,
    ownedBy: 'google',
    displayName: displayName(id),
    inputTokenLimit: INPUT_TOKEN_LIMIT,
    outputTokenLimit: OUTPUT_TOKEN_LIMIT,
    thinking: true
  }))
}

/** The model to send upstream; throws a 404 naming the served models for anything else. */
export function resolveGeminiCliModel (requested: string, models: readonly string[]): string {
  const model = bareModel(requested)
  if (models.includes(model)) return model
  throw notFound(`Model "${requested}" is not served by gemini-cli-oauth. Available: ${models.join(', ')} (set GEMINI_CLI_MODELS to change the list)`, 'model_not_found')
}
