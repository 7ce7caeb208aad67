import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { Transport } from '../../plugins/transport.js'
import type { PassthroughRequest, PassthroughResponse, Provider, ProviderCallContext } from '../types.js'
import { isRecord } from '../../schemas/json-text.js'
import { callUpstream, joinUrl, readJson, relayHeaders } from '../shared/http.js'
import { decodeSseStream } from '../shared/decode-stream.js'
import { inlineRemoteMedia } from '../shared/inline-media.js'
import { toGeminiRequest } from './request.js'
import { fromGeminiResponse } from './response.js'
import { createGeminiStreamDecoder } from './stream.js'
import { geminiErrorDetails } from './errors.js'

export interface GeminiProviderOptions {
  id: string
  apiKey?: string
  /** e.g. https://generativelanguage.googleapis.com/v1beta */
  baseUrl: string
}

/** Reads Gemini's model objects ("models/x") into ModelInfo. Shared with the Code Assist provider's static list. */
export function fromGeminiModel (m: Record<string, unknown>, provider: string): ModelInfo | undefined {
  if (typeof m.name !== 'string') return undefined
  const info: ModelInfo = { id: m.name.replace(/^models\//, ''), provider, ownedBy: 'google' }
  if (typeof m.displayName === 'string') info.displayName = m.displayName
  if (typeof m.inputTokenLimit === 'number') info.inputTokenLimit = m.inputTokenLimit
  if (typeof m.outputTokenLimit === 'number') info.outputTokenLimit = m.outputTokenLimit
  if (typeof m.thinking === 'boolean') info.thinking = m.thinking
  return info
}

/** The Gemini API with an API key: Gemini clients get the passthrough path. */
export class GeminiProvider implements Provider {
  readonly id: string
  readonly type = 'gemini-custom'
  readonly protocol = 'gemini' as const
  private readonly headers: Record<string, string>

  constructor (private readonly opts: GeminiProviderOptions, private readonly transport: Transport) {
    this.id = opts.id
    this.headers = opts.apiKey === undefined || opts.apiKey === '' ? {} : { 'x-goog-api-key': opts.apiKey }
  }

  private async call (path: string, body: unknown, signal: AbortSignal, method: 'GET' | 'POST' = 'POST') {
    return await callUpstream(this.transport, {
      url: joinUrl(this.opts.baseUrl, path),
      method,
      headers: this.headers,
      ...(body === undefined ? {} : { body }),
      signal,
      protocol: 'gemini',
      errorDetails: (_status, text) => geminiErrorDetails(text)
    })
  }

  private async body (req: ChatRequest, ctx: ProviderCallContext): Promise<Record<string, unknown>> {
    const inlined = await inlineRemoteMedia(req, this.transport, ctx.signal)
    const body = toGeminiRequest(inlined, req.model)
    ctx.onUpstreamRequest?.(body)
    return body
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const res = await this.call(`/models/${encodeURIComponent(req.model)}:generateContent`, await this.body(req, ctx), ctx.signal)
    return fromGeminiResponse(await readJson(res), ctx.translate)
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const res = await this.call(`/models/${encodeURIComponent(req.model)}:streamGenerateContent?alt=sse`, await this.body(req, ctx), ctx.signal)
    return decodeSseStream(res.body, createGeminiStreamDecoder(ctx.translate))
  }

  async passthrough (req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse> {
    const res = await this.call(req.operation, req.body, ctx.signal)
    return { status: res.status, headers: relayHeaders(res.headers), body: res.body }
  }

  async countTokens (req: ChatRequest, ctx: ProviderCallContext): Promise<number> {
    const { generationConfig: _g, safetySettings: _s, toolConfig: _t, ...rest } = toGeminiRequest(req, req.model)
    const res = await this.call(`/models/${encodeURIComponent(req.model)}:countTokens`, { generateContentRequest: { model: `models/${req.model}`, ...rest } }, ctx.signal)
    const json = await readJson(res)
    return isRecord(json) && typeof json.totalTokens === 'number' ? json.totalTokens : 0
  }

  async listModels (ctx: ProviderCallContext): Promise<ModelInfo[]> {
    const models: ModelInfo[] = []
    let pageToken: string | undefined
    do {
      const query = `?pageSize=1000${pageToken === undefined ? '' : `&pageToken=${encodeURIComponent(pageToken)}`}`
      const json = await readJson(await this.call(`/models${query}`, undefined, ctx.signal, 'GET'))
      const list = isRecord(json) && Array.isArray(json.models) ? json.models : []
      for (const m of list) {
        const info = isRecord(m) ? fromGeminiModel(m, this.id) : undefined
        if (info !== undefined) models.push(info)
      }
      pageToken = isRecord(json) && typeof json.nextPageToken === 'string' && json.nextPageToken !== '' ? json.nextPageToken : undefined
    } while (pageToken !== undefined)
    return models
  }
}
