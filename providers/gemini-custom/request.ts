import type { ChatRequest } from '../../schemas/canonical.js'
import { isRecord } from '../../schemas/json-text.js'
import { type ResolvedMedia, toGeminiContents } from './request-contents.js'
import { mergeGeminiExtras, toGenerationConfig, toGeminiToolConfig, toGeminiTools } from './request-config.js'

export { remoteMediaUrls, isRemoteMediaUrl, SKIP_SIGNATURE, type ResolvedMedia } from './request-contents.js'

export interface GeminiRequestOptions {
  /**
   * http(s) images/documents downloaded by the provider, keyed by URL. Gemini's `fileData` only reads Files-API,
   * gs:// and YouTube URIs, so the provider calls `remoteMediaUrls(req.messages)`, fetches those (with its
   * transport, size limits and timeouts), and passes the base64 results here; they are sent as inlineData.
   * A URL missing from the map is sent as fileData and left to the upstream.
   */
  media?: ResolvedMedia
}

/**
 * Canonical request → Gemini generateContent body (the model goes in the URL, not the body). System text →
 * systemInstruction; messages → contents; tools sanitized for Gemini's schema subset; reasoning → thinkingConfig;
 * extras.gemini (what a Gemini client sent beyond the canonical model) merged back. Pure.
 */
export function toGeminiRequest (req: ChatRequest, model: string, opts: GeminiRequestOptions = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    contents: toGeminiContents(req.messages, model, opts.media ?? new Map())
  }
  if (req.system.length > 0) body.systemInstruction = { parts: req.system.map(block => ({ text: block.text })) }
  const extras = req.extras?.gemini ?? {}
  const { toolConfig: extraToolConfig, ...otherExtras } = extras
  const tools = toGeminiTools(req.tools ?? [])
  if (tools.length > 0) {
    body.tools = tools
    const toolConfig = toGeminiToolConfig(req.toolChoice, extraToolConfig)
    if (toolConfig !== undefined) body.toolConfig = toolConfig
  } else if (isRecord(extraToolConfig)) {
    // Built-in tools only (retrieval config and the like): keep the client's config minus function calling.
    const { functionCallingConfig: _fcc, ...rest } = extraToolConfig
    if (Object.keys(rest).length > 0) body.toolConfig = rest
  }
  const generationConfig = toGenerationConfig(req, model)
  if (generationConfig !== undefined) body.generationConfig = generationConfig
  mergeGeminiExtras(body, otherExtras)
  return body
}

/**
 * `:countTokens` body for a canonical request: the whole generateContentRequest form, so system instruction and
 * tools are counted too.
 */
export function toGeminiCountTokensRequest (req: ChatRequest, model: string, opts: GeminiRequestOptions = {}): Record<string, unknown> {
  const { generationConfig: _config, ...request } = toGeminiRequest(req, model, opts)
  return { generateContentRequest: { model: `models/${model}`, ...request } }
}

/** `{"totalTokens":N}` → N (0 when the body says nothing usable). */
export function fromGeminiCountTokensResponse (body: unknown): number {
  if (!isRecord(body)) return 0
  const total = typeof body.totalTokens === 'string' ? Number(body.totalTokens) : body.totalTokens
  return typeof total === 'number' && Number.isFinite(total) ? total : 0
}
