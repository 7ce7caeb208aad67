import type { ChatRequest, ChatResponse, ModelInfo, StreamEvent } from '../../schemas/canonical.js'
import type { UpstreamResponse } from '../../plugins/transport.js'
import type { PassthroughRequest, PassthroughResponse, Provider, ProviderCallContext, ProviderDeps } from '../types.js'
import { isGatewayError, notFound } from '../../plugins/gateway-error.js'
import { callUpstream, joinUrl, readJson } from '../shared/http.js'
import { decodeSseStream } from '../shared/decode-stream.js'
import { inlineRemoteMedia } from '../shared/inline-media.js'
import { credentialKey, jsonCredentialCodec, TokenManager, type TokenSource } from '../shared/token-manager.js'
import { toGeminiRequest } from '../gemini-custom/request.js'
import { fromGeminiResponse } from '../gemini-custom/response.js'
import { loadGeminiCredentials, writeGeminiCredentials, type GeminiCredentials } from './credentials.js'
import { codeAssistErrorDetails, preferOwnMessage } from './errors.js'
import { geminiCliModelList, resolveGeminiCliModel } from './models.js'
import { isPermanentGeminiRefreshFailure, refreshGeminiToken } from './oauth.js'
import { ProjectCache } from './project-cache.js'
import type { CodeAssistProject } from './project.js'
import { createCodeAssistStreamDecoder, unwrapCodeAssistStream } from './stream.js'
import { unwrapCodeAssistCountTokens, unwrapCodeAssistResponse, wrapCodeAssistCountTokens, wrapCodeAssistRequest } from './wrap.js'

export interface GeminiCliProviderOptions {
  id: string
  filePath?: string
  base64?: string
  /** GEMINI_OAUTH_TOKEN_URL */
  tokenUrl: string
  /** GEMINI_BASE_URL, without the API version (https://cloudcode-pa.googleapis.com). */
  baseUrl: string
  /** PROJECT_ID: used as is; discovery only runs without it. */
  projectId?: string
  models: string[]
  refreshMarginMs: number
  backgroundRefresh: boolean
  /** Onboarding operation poll interval (Gemini CLI: 5 s). */
  pollIntervalMs?: number
}

const API_VERSION = 'v1internal'
const USER_AGENT_VERSION = '0.1.0'
const PASSTHROUGH_OPERATION = /^\/models\/([^/:?]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/

function geminiTokenSource (opts: GeminiCliProviderOptions, deps: ProviderDeps): TokenSource<GeminiCredentials> {
  let filePath: string | undefined
  return {
    key: credentialKey('gemini', opts.base64 ?? opts.filePath ?? 'default-gemini-creds-file'),
    async load () {
      const loaded = await loadGeminiCredentials({
        ...(opts.filePath === undefined ? {} : { filePath: opts.filePath }),
        ...(opts.base64 === undefined ? {} : { base64: opts.base64 })
      })
      filePath = loaded.filePath
      return loaded.creds
    },
    expiresAt: c => c.accessToken === undefined ? 0 : c.expiryDate ?? 0,
    async refresh (c, signal) {
      try {
        return await refreshGeminiToken(deps.transport, c, opts.tokenUrl, signal)
      } catch (err) {
        // After "switchboard login gemini" (or a Gemini CLI login) the file holds a new refresh token: use it
        // rather than fail until a restart.
        if (!isPermanentGeminiRefreshFailure(err) || filePath === undefined) throw err
        const reloaded = await loadGeminiCredentials({ filePath }).catch(() => undefined)
        if (reloaded?.creds.refreshToken === undefined || reloaded.creds.refreshToken === c.refreshToken) throw err
        deps.log.info({ provider: opts.id }, 'the credentials file has a new refresh token: using it')
        return await refreshGeminiToken(deps.transport, reloaded.creds, opts.tokenUrl, signal)
      }
    },
    async save (c) {
      if (filePath !== undefined) await writeGeminiCredentials(filePath, c)
    },
    ...jsonCredentialCodec<GeminiCredentials>()
  }
}

async function * single (chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk
}

function userAgent (model?: string): string {
  return `GeminiCLI/${USER_AGENT_VERSION}${model === undefined ? '' : `/${model}`} (${process.platform}; ${process.arch}; switchboard)`
}

/**
 * Gemini through a Gemini CLI login (Google Code Assist, FORMATS.md §5). Requests are the Gemini API's, wrapped in
 * `{model, project, user_prompt_id, request}` and sent to `{base}/v1internal:{method}`; responses and stream chunks
 * are unwrapped. A Gemini client gets the near-passthrough (its body re-wrapped, the stream unwrapped chunk by
 * chunk); other clients go through the Gemini translators. A 401 triggers one token refresh and one retry.
 */
export class GeminiCliProvider implements Provider {
  readonly id: string
  readonly type = 'gemini-cli-oauth'
  readonly protocol = 'gemini' as const
  private readonly tokens: TokenManager<GeminiCredentials>
  private readonly projects: ProjectCache

  constructor (private readonly opts: GeminiCliProviderOptions, private readonly deps: ProviderDeps) {
    this.id = opts.id
    const source = geminiTokenSource(opts, deps)
    this.tokens = new TokenManager(source, deps.state, { marginMs: opts.refreshMarginMs, log: deps.log })
    this.projects = new ProjectCache(source.key, deps.state, {
      post: async (method, body, signal) => await readJson(await this.call(method, body, signal)),
      getOperation: async (name, signal) => await readJson(await this.call(name, undefined, signal))
    }, { pollIntervalMs: opts.pollIntervalMs ?? 5000 })
    if (opts.backgroundRefresh) this.tokens.startBackgroundRefresh()
  }

  /**
   * One authorized Code Assist call: `POST {base}/v1internal:{method}`, or `GET {base}/v1internal/{name}` for an
   * operation (no body). A 401 refreshes the token once and retries once.
   */
  private async call (method: string, body: unknown, signal: AbortSignal, model?: string): Promise<UpstreamResponse> {
    const url = body === undefined ? joinUrl(this.opts.baseUrl, `${API_VERSION}/${method}`) : `${joinUrl(this.opts.baseUrl, API_VERSION)}:${method}`
    const send = async (creds: GeminiCredentials): Promise<UpstreamResponse> => await callUpstream(this.deps.transport, {
      url,
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${creds.accessToken ?? ''}`, 'user-agent': userAgent(model) },
      ...(body === undefined ? {} : { body }),
      signal,
      protocol: 'gemini',
      errorDetails: codeAssistErrorDetails
    })
    const creds = await this.tokens.current(signal)
    try {
      return await send(creds)
    } catch (err) {
      if (!isGatewayError(err) || err.status !== 401) throw preferOwnMessage(err)
      this.deps.log.info({ provider: this.id }, 'code assist rejected the access token: refreshing once')
      try {
        return await send(await this.tokens.refresh(signal, creds))
      } catch (retryErr) {
        throw preferOwnMessage(retryErr)
      }
    }
  }

  private async project (signal: AbortSignal): Promise<CodeAssistProject> {
    if (this.opts.projectId !== undefined && this.opts.projectId !== '') return { projectId: this.opts.projectId }
    // The token comes first: discovery needs it, and an expired login should be reported as such.
    await this.tokens.current(signal)
    return await this.projects.get(signal)
  }

  /** The wrapped generateContent body for a Gemini body (translated or the client's own). */
  private async wrap (geminiBody: Record<string, unknown>, model: string, ctx: ProviderCallContext): Promise<Record<string, unknown>> {
    const { projectId } = await this.project(ctx.signal)
    return wrapCodeAssistRequest(geminiBody, model, projectId, `${ctx.requestId}########1`)
  }

  private async translated (req: ChatRequest, ctx: ProviderCallContext): Promise<{ model: string, body: Record<string, unknown> }> {
    const model = resolveGeminiCliModel(req.model, this.opts.models)
    const inlined = await inlineRemoteMedia(req, this.deps.transport, ctx.signal)
    const body = await this.wrap(toGeminiRequest(inlined, model), model, ctx)
    ctx.onUpstreamRequest?.(body)
    return { model, body }
  }

  async complete (req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse> {
    const { model, body } = await this.translated(req, ctx)
    const res = await this.call('generateContent', body, ctx.signal, model)
    return fromGeminiResponse(unwrapCodeAssistResponse(await readJson(res)), ctx.translate)
  }

  async stream (req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>> {
    const { model, body } = await this.translated(req, ctx)
    const res = await this.call('streamGenerateContent?alt=sse', body, ctx.signal, model)
    return decodeSseStream(res.body, createCodeAssistStreamDecoder(ctx.translate))
  }

  /** A Gemini client's body, re-wrapped untranslated; the answer unwrapped back to the Gemini API's bytes. */
  async passthrough (req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse> {
    const match = PASSTHROUGH_OPERATION.exec(req.operation)
    if (match === null) throw notFound(`gemini-cli-oauth cannot forward ${req.operation}`)
    const model = resolveGeminiCliModel(decodeURIComponent(match[1] ?? ''), this.opts.models)
    const body = await this.wrap(req.body, model, ctx)
    if (!req.stream) {
      const res = await this.call('generateContent', body, ctx.signal, model)
      const text = JSON.stringify(unwrapCodeAssistResponse(await readJson(res)))
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: single(Buffer.from(text, 'utf8')) }
    }
    const res = await this.call('streamGenerateContent?alt=sse', body, ctx.signal, model)
    const sse = match[3] !== undefined
    return {
      status: 200,
      headers: { 'content-type': sse ? 'text/event-stream' : 'application/json; charset=utf-8' },
      body: unwrapCodeAssistStream(res.body, sse ? 'sse' : 'json-array')
    }
  }

  /** Code Assist counts the contents only (FORMATS.md §5). */
  async countTokens (req: ChatRequest, ctx: ProviderCallContext): Promise<number> {
    const model = resolveGeminiCliModel(req.model, this.opts.models)
    const res = await this.call('countTokens', wrapCodeAssistCountTokens(toGeminiRequest(req, model), model), ctx.signal, model)
    return unwrapCodeAssistCountTokens(await readJson(res))
  }

  async listModels (): Promise<ModelInfo[]> {
    return geminiCliModelList(this.id, this.opts.models)
  }

  /** An empty model (no DEFAULT_MODEL either) gets the first served one; anything else is checked per call. */
  resolveModel (requested: string): string {
    return requested === '' ? this.opts.models[0] ?? '' : requested
  }

  /** For `switchboard credentials check`: refreshes now, then finds the project; throws what is wrong. */
  async checkCredentials (signal: AbortSignal): Promise<{ expiresAt: string, project: string, tier?: string, models: string[] }> {
    const creds = await this.tokens.refresh(signal)
    const project = await this.project(signal)
    const tier = project.tierName ?? project.tierId
    return {
      expiresAt: creds.expiryDate === undefined ? 'unknown' : new Date(creds.expiryDate).toISOString(),
      project: project.projectId,
      ...(tier === undefined ? {} : { tier }),
      models: this.opts.models
    }
  }

  async close (): Promise<void> {
    this.tokens.stop()
  }
}
