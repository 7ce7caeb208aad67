import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { Transport } from '../../plugins/transport.js'
import type { PassthroughRequest, PassthroughResponse, Provider, ProviderCallContext } from '../types.js'
import { isRecord } from '../../schemas/json-text.js'
import type { TranslateContext } from '../../schemas/translate-context.js'
import type { UpstreamErrorDetails } from '../../plugins/upstream-errors.js'
import type { UpstreamDecoder } from '../../routes/surface-codec.js'
import { toOpenAIChatRequest } from '../openai-custom/request.js'
import { fromOpenAIChatResponse } from '../openai-custom/response.js'
import { createOpenAIChatStreamDecoder } from '../openai-custom/stream.js'
import { openaiErrorDetails } from '../openai-custom/errors.js'
import { toResponsesRequest } from '../openai-responses/request.js'
import { fromResponsesResponse } from '../openai-responses/response.js'
import { createResponsesStreamDecoder } from '../openai-responses/stream.js'
import { responsesErrorDetails } from '../openai-responses/errors.js'
import { callUpstream, joinUrl, readJson, relayHeaders } from './http.js'
import { decodeSseStream } from './decode-stream.js'

/** The two OpenAI endpoint families an OpenAI-compatible upstream may speak, with their translators. */
export interface OpenAIDialect {
  protocol: 'openai' | 'responses'
  path: string
  toRequest: (req: ChatRequest, model: string) => Record<string, unknown>
  fromResponse: (body: unknown, ctx: TranslateContext) => ChatResponse
  createDecoder: (ctx: TranslateContext) => UpstreamDecoder
  errorDetails: (bodyText: string) => UpstreamErrorDetails
}

export const CHAT_DIALECT: OpenAIDialect = {
  protocol: 'openai',
  path: '/chat/completions',
  toRequest: toOpenAIChatRequest,
  fromResponse: fromOpenAIChatResponse,
  createDecoder: createOpenAIChatStreamDecoder,
  errorDetails: openaiErrorDetails
}

export const RESPONSES_DIALECT: OpenAIDialect = {
  protocol: 'responses',
  path: '/responses',
  toRequest: toResponsesRequest,
  fromResponse: fromResponsesResponse,
  createDecoder: createResponsesStreamDecoder,
  errorDetails: responsesErrorDetails
}

export interface OpenAICompatibleOptions {
  /** Chat Completions (default) or Responses. */
  dialect?: OpenAIDialect
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
  readonly protocol: 'openai' | 'responses'
  readonly resolveModel?: (requested: string) => string
  private readonly headers: Record<string, string>
  private readonly dialect: OpenAIDialect

  constructor (private readonly opts: OpenAICompatibleOptions, private readonly transport: Transport) {
    this.dialect = opts.dialect ?? CHAT_DIALECT
    this.protocol = this.dialect.protocol
    this.id = opts.id
    this.type = opts.type
    if (opts.resolveModel !== undefined) this.resolveModel = opts.resolveModel
    this.headers = {
      accept: 'application/json',
      ...(opts.apiKey === undefined || opts.apiKey === '' ? {} : { authorization: `Bearer ${opts.apiKey}` }),
      ...opts.headers
    }
  }

  private async post (path: string, body: unknown, signal: AbortSignal, stream: boolean, rawBody?: Buffer) {
    return await callUpstream(this.transport, {
      url: joinUrl(this.opts.baseUrl, path),
      headers: stream ? { ...this.headers, accept: 'text/event-stream' } : this.headers,
      body,
      ...(rawBody === undefined ? {} : { rawBody }),
      signal,
      protocol: this.protocol,
      errorDetails: (_status, text) => this.dialect.errorDetails(text)
    })
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const body = this.dialect.toRequest({ ...req, stream: false }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post(this.dialect.path, body, ctx.signal, false)
    return this.dialect.fromResponse(await readJson(res), ctx.translate)
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const body = this.dialect.toRequest({ ...req, stream: true }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post(this.dialect.path, body, ctx.signal, true)
    return decodeSseStream(res.body, this.dialect.createDecoder(ctx.translate))
  }

  async passthrough (req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse> {
    const res = await this.post(req.operation, req.body, ctx.signal, req.stream, req.raw)
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
