import type { ChatRequest } from '../schemas/canonical.js'
import type { TranslateContext } from '../schemas/translate-context.js'
import type { SurfaceCodec, SystemEdit } from '../routes/surface-codec.js'
import { applyAliasParams, type ResolvedAlias } from './aliases.js'
import { isGatewayError, type GatewayError } from './gateway-error.js'

export interface CanonicalSource<Body> {
  codec: SurfaceCodec<Body>
  body: Body
  alias: ResolvedAlias
  edit: SystemEdit | undefined
  /** The surface's own adjustment (the Responses surface prepends stored history); may throw a 400. */
  adjust?: (req: ChatRequest) => ChatRequest
  ctx: TranslateContext
}

/**
 * The request in the canonical model, built on first use and only then: a passthrough attempt never needs it, so
 * what the decoder cannot read never stops a request the upstream would serve. Building checks the surface's full
 * schema, decodes, applies the alias with its forced parameters, the system-prompt edit and the surface's
 * adjustment, once; the result, or the 400 that explains why there is none, serves every later attempt.
 */
export class CanonicalRequest<Body> {
  #request: ChatRequest | undefined
  #error: GatewayError | undefined

  constructor (private readonly source: CanonicalSource<Body>) {}

  /** The canonical request; throws the GatewayError (400) of a body that cannot be translated. */
  get (): ChatRequest {
    if (this.#request !== undefined) return this.#request
    if (this.#error !== undefined) throw this.#error
    try {
      this.#request = this.build()
      return this.#request
    } catch (err) {
      if (isGatewayError(err)) this.#error = err
      throw err
    }
  }

  private build (): ChatRequest {
    const { codec, body, alias, edit, adjust, ctx } = this.source
    codec.checkRequest(body)
    // The decoder returns a fresh object: the alias and the edit may change it in place.
    let req = codec.decodeRequest(body, ctx)
    req.model = alias.model
    if (alias.params !== undefined) req = applyAliasParams(req, alias.params)
    if (edit !== undefined) req.system = edit(req.system)
    return adjust === undefined ? req : adjust(req)
  }
}

/** A canonical request that holds only what routing knows: enough for a passthrough stream's in-stream error event. */
export function routingOnlyRequest (model: string, stream: boolean): ChatRequest {
  return { model, system: [], messages: [], stream }
}
