import type { FastifyBaseLogger } from 'fastify'
import type { ChatRequest, ChatResponse, ModelInfo, Protocol, StreamEvent } from '../schemas/canonical.js'
import type { TranslateContext } from '../schemas/translate-context.js'

/** Everything a provider call may need besides the request itself. */
export interface ProviderCallContext {
  /** Aborted when the client disconnects or the gateway times the call out. */
  signal: AbortSignal
  log: FastifyBaseLogger
  requestId: string
  translate: TranslateContext
  /**
   * Client headers a provider may forward (anthropic-beta to Anthropic, for example). Auth headers are removed
   * before they get here.
   */
  clientHeaders: Record<string, string | undefined>
  /** Called with the exact body the provider sends upstream (for the prompt log); cheap: a reference, no copy. */
  onUpstreamRequest?: (body: unknown) => void
}

/** A same-protocol request forwarded without translation. */
export interface PassthroughRequest {
  protocol: Protocol
  /**
   * The operation, relative to the protocol's API root, as the provider's own base URL expects it:
   * openai '/chat/completions', responses '/responses', anthropic '/messages' or '/messages/count_tokens',
   * gemini '/models/{model}:generateContent' (the provider adds its own query such as alt=sse).
   */
  operation: string
  /** The client's body after the hooks (system prompt) and model resolution. */
  body: Record<string, unknown>
  /** The client's bytes when `body` is exactly what the client sent: forwarded as they are, not re-serialized. */
  raw?: Buffer
  stream: boolean
}

export interface PassthroughResponse {
  status: number
  /** Content-type and the upstream's request id; hop-by-hop headers are not included. */
  headers: Record<string, string>
  /** The upstream body, unparsed. The consumer must read it to the end or abort the call's signal. */
  body: AsyncIterable<Uint8Array>
}

/**
 * One configured upstream (one credential of one provider type). Providers throw GatewayError for every failure
 * and must not resolve `stream()` before the upstream has answered with a success status, so the surface can still
 * send a real HTTP error.
 */
export interface Provider {
  /** Unique instance id ('openai-custom', or 'openai-custom/work' for a named pool member). */
  readonly id: string
  /** Provider type ('openai-custom', 'claude-custom', …): the name clients use to select it. */
  readonly type: string
  /** The protocol spoken upstream; a client of the same protocol gets the passthrough path when it is defined. */
  readonly protocol?: Protocol
  listModels(ctx: ProviderCallContext): Promise<ModelInfo[]>
  complete(req: ChatRequest, ctx: ProviderCallContext): Promise<ChatResponse>
  /** Events are yielded in batches (one per upstream chunk) to keep per-event overhead and writes low. */
  stream(req: ChatRequest, ctx: ProviderCallContext): Promise<AsyncIterable<StreamEvent[]>>
  passthrough?(req: PassthroughRequest, ctx: ProviderCallContext): Promise<PassthroughResponse>
  /** Upstream token count where the upstream has one; the gateway estimates otherwise. */
  countTokens?(req: ChatRequest, ctx: ProviderCallContext): Promise<number>
  /** Model the provider uses when the client's model is empty or must be overridden (OpenRouter force mode). */
  resolveModel?(requested: string): string
  close?(): Promise<void>
}

/** Builds providers of one type from their validated config section. */
export interface ProviderFactory<Options = unknown> {
  readonly type: string
  create(id: string, options: Options, deps: ProviderDeps): Provider
}

export interface ProviderDeps {
  log: FastifyBaseLogger
  transport: import('../plugins/transport.js').Transport
  state: import('../plugins/state-store.js').StateStore
}
