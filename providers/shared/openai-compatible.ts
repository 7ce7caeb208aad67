import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { Transport } from '../../plugins/transport.js'
import type { PassthroughRequest, PassthroughResponse, Provider, ProviderCallContext } from '../types.js'
import { isRecord } from '../../schemas/json-text.js'
import { toOpenAIChatRequest } from '../openai-custom/request.js'
import { fromOpenAIChatResponse } from '../openai-custom/response.js'
import { createOpenAIChatStreamDecoder } from '../openai-custom/stream.js'
import { openaiErrorDetails } from '../openai-custom/errors.js'
import { callUpstream, joinUrl, readJson, relayHeaders } from './http.js'
import { decodeSseStream } from './decode-stream.js'

export interface OpenAICompatibleOptions {
  id: string
  type: string
  baseUrl: string
  apiKey?: string
  /** Extra headers on every upstream call (OpenRouter attribution, org ids, gateway tokens). */
  headers?: Record<string, string>
  /** A fixed model list for upstreams without GET /models. */
  models?: string[]
  /** Model rule applied after routing (OpenRouter's default model in fallback or force mode). */
  resolveModel?: (requested: string) => string
}

/**
 * Any OpenAI-compatible Chat Completions upstream (OpenAI, OpenRouter, DeepSeek, Kimi, GLM, vLLM, Ollama).
 * OpenAI clients get the passthrough path; other surfaces go through the canonical translators.
 */
export class OpenAICompatibleProvider implements Provider {
  readonly id: string
  readonly type: string
  readonly protocol = 'openai' as const
  readonly resolveModel?: (requested: string) => string
  private readonly headers: Record<string, string>

  constructor (private readonly opts: OpenAICompatibleOptions, private readonly transport: Transport) {
    this.id = opts.id
    this.type = opts.type
    if (opts.resolveModel !== undefined) this.resolveModel = opts.resolveModel
    this.headers = {
      accept: 'application/json',
      ...(opts.apiKey === undefined || opts.apiKey === '' ? {} : { authorization: `Bearer ${opts.apiKey}` }),
      ...opts.headers
    }
  }

  private async post (path: string, body: unknown, signal: AbortSignal, stream: boolean) {
    return await callUpstream(this.transport, {
      url: joinUrl(this.opts.baseUrl, path),
      headers: stream ? { ...this.headers, accept: 'text/event-stream' } : this.headers,
      body,
      signal,
      protocol: 'openai',
      errorDetails: (_status, text) => openaiErrorDetails(text)
    })
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const body = toOpenAIChatRequest({ ...req, stream: false }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post('/chat/completions', body, ctx.signal, false)
    return fromOpenAIChatResponse(await readJson(res), ctx.translate)
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const body = toOpenAIChatRequest({ ...req, stream: true }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post('/chat/completions', body, ctx.signal, true)
    return decodeSseStream(res.body, createOpenAIChatStreamDecoder(ctx.translate))
  }

  async passthrough (req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse> {
    const res = await this.post(req.operation, req.body, ctx.signal, req.stream)
    return { status: res.status, headers: relayHeaders(res.headers), body: res.body }
  }

  async listModels (ctx: ProviderCallContext): Promise<ModelInfo[]> {
    if (this.opts.models !== undefined) return this.opts.models.map(id => ({ id, provider: this.id, ownedBy: this.type }))
    const res = await callUpstream(this.transport, {
      url: joinUrl(this.opts.baseUrl, '/models'),
      method: 'GET',
      headers: this.headers,
      signal: ctx.signal,
      protocol: 'openai',
      errorDetails: (_status, text) => openaiErrorDetails(text)
    })
    const json = await readJson(res)
    const data = isRecord(json) && Array.isArray(json.data) ? json.data : []
    const models: ModelInfo[] = []
    for (const entry of data) {
      if (!isRecord(entry) || typeof entry.id !== 'string') continue
      const info: ModelInfo = { id: entry.id, provider: this.id }
      if (typeof entry.created === 'number') info.created = entry.created
      info.ownedBy = typeof entry.owned_by === 'string' ? entry.owned_by : this.type
      models.push(info)
    }
    return models
  }
}
