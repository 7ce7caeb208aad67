import type { ChatRequest, ChatResponse, Protocol, StreamEvent, TextPart, Usage } from '../schemas/canonical.js'
import type { SseMessage, TranslateContext } from '../schemas/translate-context.js'
import type { GatewayError } from '../plugins/gateway-error.js'

/** Turns canonical stream events into the surface's wire events (objects; one writer serializes them). */
export interface StreamEncoder {
  /** The wire messages for one canonical event (often one, sometimes none or several). */
  encode(event: StreamEvent): SseMessage[]
  /** Messages that end a stream that finished normally (OpenAI `[DONE]`, Anthropic closing events). */
  end(): SseMessage[]
  /** Messages for an error after the headers went out (the protocol's in-stream error), ending the stream. */
  error(err: GatewayError): SseMessage[]
}

export interface RenderedError {
  status: number
  headers: Record<string, string>
  body: unknown
}

/** Rewrites the system blocks of a request (the system-prompt hook); returns the blocks to use. */
export type SystemEdit = (system: TextPart[]) => TextPart[]

/**
 * One client protocol's codec: pure functions between the surface's wire objects and the canonical model.
 * Routes own HTTP; codecs own shapes.
 */
/** What routing reads from a request: the model asked for and whether the answer streams. */
export interface RoutingKey {
  model: string
  stream: boolean
}

export interface SurfaceCodec<Body = Record<string, unknown>> {
  readonly protocol: Protocol
  /** The model and stream flag of a body that passed the route's envelope check (the full check may not have run). */
  routeOf(body: Body): RoutingKey
  /**
   * The surface's full schema check, run only when a request is translated: a passthrough body is the upstream's
   * to judge. Throws GatewayError (400, naming the field).
   */
  checkRequest(body: unknown): void
  /** Checked wire body → canonical request. Throws GatewayError (400, naming the field) on what it cannot map. */
  decodeRequest(body: Body, ctx: TranslateContext): ChatRequest
  encodeResponse(res: ChatResponse, req: ChatRequest, ctx: TranslateContext): unknown
  createStreamEncoder(req: ChatRequest, ctx: TranslateContext): StreamEncoder
  renderError(err: GatewayError): RenderedError
  /** Passthrough: applies the system-prompt hook to the wire body without translating it (returns a new body). */
  editSystem(body: Body, edit: SystemEdit): Body
  /** Passthrough: the body with its model replaced (routing may pick another model). */
  withModel(body: Body, model: string): Body
}

/**
 * The upstream side of one protocol, for reading what a passthrough upstream returned (prompt log, usage):
 * the same decoders that the protocol's provider uses.
 */
export interface UpstreamDecoder {
  push(message: import('../schemas/translate-context.js').SseInput): StreamEvent[]
  end(): StreamEvent[]
}

export interface ProtocolReader {
  readonly protocol: Protocol
  decodeResponse(body: unknown, ctx: TranslateContext): ChatResponse
  /** The top-level key of a response body that holds its token counts ('usage', Gemini's 'usageMetadata'). */
  readonly usageKey: string
  /** That key's value → canonical usage (undefined when it is not a usage object). */
  decodeUsage(raw: unknown): Usage | undefined
  createStreamDecoder(ctx: TranslateContext): UpstreamDecoder
}

/** The routing key of a body that carries its model and stream flag at the top level (OpenAI, Responses, Claude). */
export function routeOfBody (body: { model?: unknown, stream?: unknown }): RoutingKey {
  return { model: typeof body.model === 'string' ? body.model : '', stream: body.stream === true }
}
