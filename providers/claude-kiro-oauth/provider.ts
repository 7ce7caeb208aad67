import { randomUUID } from 'node:crypto'
import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { Provider, ProviderCallContext, ProviderDeps } from '../types.js'
import type { UpstreamResponse } from '../../plugins/transport.js'
import { estimateInputTokens } from '../../plugins/token-estimate.js'
import { callUpstream } from '../shared/http.js'
import { inlineRemoteMedia } from '../shared/inline-media.js'
import { credentialKey, jsonCredentialCodec, TokenManager, type TokenSource } from '../shared/token-manager.js'
import { apiRegionFor, refreshKiroToken, type KiroRefreshUrls } from './auth.js'
import { kiroErrorDetails, isKiroTokenInvalid } from './errors.js'
import { kiroApiUrl, kiroHeaders, kiroMachineId } from './headers.js'
import { kiroModelList, resolveKiroModel, type KiroModelOverrides } from './models.js'
import { toKiroRequest } from './request.js'
import { readKiroResponse } from './response.js'
import { createKiroStreamDecoder, decodeKiroStream } from './stream.js'
import { loadKiroCredentials, writeTokenFileAtomic, type KiroCredentials } from './token-file.js'

export interface KiroProviderOptions {
  id: string
  filePath?: string
  base64?: string
  refreshUrls: KiroRefreshUrls
  /** KIRO_BASE_URL template with {{region}}. */
  apiUrlTemplate: string
  modelMap: KiroModelOverrides
  refreshMarginMs: number
  backgroundRefresh: boolean
}

/** The Kiro credential as a TokenSource: file or base64, refreshed through Kiro's social or IdC endpoint. */
function kiroTokenSource (opts: KiroProviderOptions, deps: ProviderDeps): TokenSource<KiroCredentials> {
  let filePath: string | undefined
  const seed = opts.base64 ?? opts.filePath ?? 'default-kiro-token-file'
  return {
    key: credentialKey('kiro', seed),
    async load () {
      const loaded = await loadKiroCredentials({
        ...(opts.filePath === undefined ? {} : { filePath: opts.filePath }),
        ...(opts.base64 === undefined ? {} : { base64: opts.base64 })
      })
      filePath = loaded.filePath
      return loaded.creds
    },
    expiresAt: c => c.accessToken === undefined || c.expiresAt === undefined ? 0 : Date.parse(c.expiresAt) || 0,
    refresh: async (c, signal) => await refreshKiroToken(deps.transport, c, opts.refreshUrls, signal),
    async save (c) {
      if (filePath !== undefined) await writeTokenFileAtomic(filePath, c)
    },
    ...jsonCredentialCodec<KiroCredentials>()
  }
}

/**
 * Claude through a Kiro login (AWS CodeWhisperer). Always translated: the canonical request becomes a
 * conversationState, the binary event stream becomes canonical events. An invalid bearer token triggers one
 * refresh and one retry.
 */
export class KiroProvider implements Provider {
  readonly id: string
  readonly type = 'claude-kiro-oauth'
  private readonly tokens: TokenManager<KiroCredentials>

  constructor (private readonly opts: KiroProviderOptions, private readonly deps: ProviderDeps) {
    this.id = opts.id
    this.tokens = new TokenManager(kiroTokenSource(opts, deps), deps.state, { marginMs: opts.refreshMarginMs, log: deps.log })
    if (opts.backgroundRefresh) this.tokens.startBackgroundRefresh()
  }

  /** Sends the request, refreshing and retrying once when Kiro says the token is invalid. */
  private async send (req: ChatRequest, ctx: ProviderCallContext) {
    const model = resolveKiroModel(req.model, this.opts.modelMap)
    const inlined = await inlineRemoteMedia(req, this.deps.transport, ctx.signal)
    const attempt = async (creds: KiroCredentials): Promise<{ res: UpstreamResponse, toolNameMap: Map<string, string> }> => {
      const { body, toolNameMap } = toKiroRequest(inlined, {
        model: model.kiroId,
        ...(creds.profileArn === undefined ? {} : { profileArn: creds.profileArn }),
        conversationId: randomUUID(),
        continuationId: randomUUID(),
        adaptiveThinking: model.adaptiveThinking
      })
      ctx.onUpstreamRequest?.(body)
      const res = await callUpstream(this.deps.transport, {
        url: kiroApiUrl(apiRegionFor(creds), 'ide', this.opts.apiUrlTemplate),
        headers: kiroHeaders(creds.accessToken ?? '', kiroMachineId(creds.profileArn ?? creds.clientId ?? this.id)),
        body,
        signal: ctx.signal,
        errorDetails: kiroErrorDetails
      })
      return { res, toolNameMap }
    }
    const creds = await this.tokens.current(ctx.signal)
    try {
      return { ...(await attempt(creds)), model }
    } catch (err) {
      if (!isKiroTokenInvalid(err)) throw err
      ctx.log.info({ provider: this.id }, 'kiro token rejected: refreshing once')
      return { ...(await attempt(await this.tokens.refresh(ctx.signal, creds))), model }
    }
  }

  private decoderOptions (req: ChatRequest, toolNameMap: Map<string, string>, contextWindow: number) {
    return { model: req.model, toolNameMap, estimateInputTokens: () => estimateInputTokens(req), contextWindow }
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const { res, toolNameMap, model } = await this.send(req, ctx)
    return await readKiroResponse(res.body, ctx.translate, this.decoderOptions(req, toolNameMap, model.contextWindow))
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const { res, toolNameMap, model } = await this.send(req, ctx)
    return decodeKiroStream(res.body, createKiroStreamDecoder(ctx.translate, this.decoderOptions(req, toolNameMap, model.contextWindow)))
  }

  async countTokens (req: ChatRequest): Promise<number> {
    return estimateInputTokens(req)
  }

  async listModels (): Promise<ModelInfo[]> {
    return kiroModelList(this.id, this.opts.modelMap)
  }

  /** For `switchboard credentials check`: refreshes now and reports what it got. */
  async checkCredentials (signal: AbortSignal): Promise<{ expiresAt: string, profileArn?: string }> {
    const creds = await this.tokens.refresh(signal)
    return { expiresAt: creds.expiresAt ?? 'unknown', ...(creds.profileArn === undefined ? {} : { profileArn: creds.profileArn }) }
  }

  async close (): Promise<void> {
    this.tokens.stop()
  }
}
