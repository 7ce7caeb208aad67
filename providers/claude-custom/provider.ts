import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { Transport } from '../../plugins/transport.js'
import type { PassthroughRequest, PassthroughResponse, Provider, ProviderCallContext } from '../types.js'
import { isRecord } from '../../schemas/json-text.js'
import { callUpstream, joinUrl, readJson, relayHeaders } from '../shared/http.js'
import { decodeSseStream } from '../shared/decode-stream.js'
import { toClaudeRequest } from './request.js'
import { fromClaudeResponse } from './response.js'
import { createClaudeStreamDecoder } from './stream.js'
import { claudeErrorDetails } from './errors.js'

export interface ClaudeProviderOptions {
  id: string
  apiKey?: string
  /** As configured: a base ending in /v1 (AIClient-2-API style) or a bare origin, which gets /v1. */
  baseUrl: string
}

const DEFAULT_VERSION = '2023-06-01'

/** AIClient-2-API bases end in /v1; a bare origin (no path) gets /v1 so both forms work. */
export function normalizeClaudeBase (baseUrl: string): string {
  const url = new URL(baseUrl)
  const path = url.pathname.replace(/\/+$/, '')
  return path === '' ? `${url.origin}/v1` : `${url.origin}${path}`
}

/** The Anthropic Messages API (or any compatible endpoint): Claude clients get the passthrough path. */
export class ClaudeProvider implements Provider {
  readonly id: string
  readonly type = 'claude-custom'
  readonly protocol = 'anthropic' as const
  private readonly base: string

  constructor (private readonly opts: ClaudeProviderOptions, private readonly transport: Transport) {
    this.id = opts.id
    this.base = normalizeClaudeBase(opts.baseUrl)
  }

  /** Client's anthropic-version/beta are forwarded so features the client opted into keep working. */
  private headers (ctx: ProviderCallContext, stream: boolean): Record<string, string> {
    const h: Record<string, string> = {
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ctx.clientHeaders['anthropic-version'] ?? DEFAULT_VERSION
    }
    if (this.opts.apiKey !== undefined && this.opts.apiKey !== '') h['x-api-key'] = this.opts.apiKey
    const beta = ctx.clientHeaders['anthropic-beta']
    if (beta !== undefined) h['anthropic-beta'] = beta
    return h
  }

  private async post (path: string, body: unknown, ctx: ProviderCallContext, stream: boolean, rawBody?: Buffer) {
    return await callUpstream(this.transport, {
      url: joinUrl(this.base, path),
      headers: this.headers(ctx, stream),
      body,
      ...(rawBody === undefined ? {} : { rawBody }),
      signal: ctx.signal,
      protocol: 'anthropic',
      errorDetails: (_status, text) => claudeErrorDetails(text)
    })
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const body = toClaudeRequest({ ...req, stream: false }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post('/messages', body, ctx, false)
    return fromClaudeResponse(await readJson(res), ctx.translate)
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const body = toClaudeRequest({ ...req, stream: true }, req.model)
    ctx.onUpstreamRequest?.(body)
    const res = await this.post('/messages', body, ctx, true)
    return decodeSseStream(res.body, createClaudeStreamDecoder(ctx.translate))
  }

  async passthrough (req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse> {
    const res = await this.post(req.operation, req.body, ctx, req.stream, req.raw)
    return { status: res.status, headers: relayHeaders(res.headers), body: res.body }
  }

  async countTokens (req: ChatRequest, ctx: ProviderCallContext): Promise<number> {
    const { max_tokens: _max, stream: _stream, temperature: _t, top_p: _p, top_k: _k, stop_sequences: _s, metadata: _m, ...body } = toClaudeRequest({ ...req, stream: false }, req.model)
    const res = await this.post('/messages/count_tokens', body, ctx, false)
    const json = await readJson(res)
    return isRecord(json) && typeof json.input_tokens === 'number' ? json.input_tokens : 0
  }

  async listModels (ctx: ProviderCallContext): Promise<ModelInfo[]> {
    const res = await callUpstream(this.transport, {
      url: joinUrl(this.base, '/models?limit=1000'),
      method: 'GET',
      headers: this.headers(ctx, false),
      signal: ctx.signal,
      protocol: 'anthropic',
      errorDetails: (_status, text) => claudeErrorDetails(text)
    })
    const json = await readJson(res)
    const data = isRecord(json) && Array.isArray(json.data) ? json.data : []
    const models: ModelInfo[] = []
    for (const m of data) {
      if (!isRecord(m) || typeof m.id !== 'string') continue
      const info: ModelInfo = { id: m.id, provider: this.id, ownedBy: 'anthropic' }
      if (typeof m.display_name === 'string') info.displayName = m.display_name
      if (typeof m.created_at === 'string') info.created = Math.floor(Date.parse(m.created_at) / 1000)
      models.push(info)
    }
    return models
  }
}
