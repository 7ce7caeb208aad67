import type { ChatRequest, FinishReason, StreamEvent, Usage } from '../../../schemas/canonical.js'
import type { SseMessage, TranslateContext } from '../../../schemas/translate-context.js'
import type { StreamEncoder } from '../../surface-codec.js'
import { GatewayError, kindForStatus } from '../../../plugins/gateway-error.js'
import { outcomeFor, responseEnvelope, wantsEncrypted, type Outcome } from './envelope.js'
import { openAiError } from './errors.js'
import { reasoningPayload } from './output-items.js'
import { toEncryptedContent } from './signature-tag.js'
import { StreamItems } from './stream-items.js'

export interface ResponsesStreamEncoder extends StreamEncoder {
  /** The `resp_…` id, fixed before the first event: the route stores the conversation under it. */
  readonly responseId: string
}

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 }

/** The in-stream error `code`: the specific code when there is one, the error type otherwise. */
function errorCode (err: GatewayError): string {
  const { code, type } = openAiError(err)
  return code ?? type
}

/**
 * Canonical events → the Responses event sequence (FORMATS.md §2): `response.created` and `response.in_progress`
 * first, output items opened and closed in order, then exactly one of `response.completed`, `response.incomplete`
 * or `response.failed` carrying the full output, because the SDK replaces its snapshot with it.
 */
class Encoder implements ResponsesStreamEncoder {
  readonly responseId: string
  private readonly createdAt: number
  private readonly items: StreamItems
  private readonly encrypted: boolean
  private model: string
  private opened = false
  private ended = false
  private finish: FinishReason | undefined
  private usage: Usage | undefined

  constructor (private readonly req: ChatRequest, private readonly ctx: TranslateContext) {
    this.responseId = ctx.id('resp_')
    this.createdAt = Math.floor(ctx.now() / 1000)
    this.items = new StreamItems(ctx)
    this.encrypted = wantsEncrypted(req)
    this.model = req.model
  }

  private lifecycle (type: string, outcome: Outcome, usage: Usage | null): SseMessage {
    const response = responseEnvelope(this.req, {
      // A copy: messages may be serialized after later events changed the live list.
      id: this.responseId, createdAt: this.createdAt, model: this.model, outcome, output: [...this.items.output], usage
    })
    return this.items.event(type, { response })
  }

  private open (out: SseMessage[]): void {
    if (this.opened) return
    this.opened = true
    const inProgress: Outcome = { status: 'in_progress', incompleteDetails: null, error: null }
    out.push(this.lifecycle('response.created', inProgress, null), this.lifecycle('response.in_progress', inProgress, null))
  }

  encode (event: StreamEvent): SseMessage[] {
    if (this.ended) return []
    const out: SseMessage[] = []
    if (event.type === 'start' && !this.opened && event.model !== '') this.model = event.model
    this.open(out)
    this.apply(event, out)
    return out
  }

  private apply (event: StreamEvent, out: SseMessage[]): void {
    const items = this.items
    switch (event.type) {
      case 'text_delta': if (event.text !== '') items.text(event.text, out); return
      case 'reasoning_delta': if (event.text !== '') items.reasoning(event.text, out); return
      case 'reasoning_signature': {
        const payload = reasoningPayload({ type: 'reasoning', text: '', signature: event.signature, signatureSource: event.source })
        if (this.encrypted && payload !== undefined) items.encrypted(payload, out)
        return
      }
      case 'redacted_reasoning':
        if (this.encrypted) items.opaqueReasoning(toEncryptedContent({ kind: 'redacted', data: event.data }), out)
        return
      case 'tool_call_start':
        if (this.encrypted && event.signature !== undefined) {
          items.opaqueReasoning(toEncryptedContent({ kind: 'call', signature: event.signature, source: event.signatureSource ?? 'gemini' }), out)
        }
        items.callStart(event.index, event.id, event.name, out)
        return
      case 'tool_call_delta': items.callDelta(event.index, event.arguments, out); return
      case 'usage': this.usage = event.usage; return
      case 'finish':
        this.finish = event.reason
        if (event.usage !== undefined) this.usage = event.usage
        items.closeAll(outcomeFor(event.reason).status === 'incomplete' ? 'incomplete' : 'completed', out)
        return
      case 'error': {
        const err = new GatewayError({ kind: kindForStatus(event.status), status: event.status, message: event.message, ...(event.errorType === undefined ? {} : { code: event.errorType }) })
        this.fail(errorCode(err), event.message, null, out)
        return
      }
      case 'start': // the model was taken above; the upstream id is not the client's
    }
  }

  end (): SseMessage[] {
    if (this.ended) return []
    const out: SseMessage[] = []
    this.open(out)
    const outcome = outcomeFor(this.finish ?? 'stop')
    this.items.closeAll(outcome.status === 'incomplete' ? 'incomplete' : 'completed', out)
    this.ended = true
    const type = outcome.status === 'completed' ? 'response.completed' : `response.${outcome.status}`
    out.push(this.lifecycle(type, outcome, this.usage ?? NO_USAGE))
    return out
  }

  error (err: GatewayError): SseMessage[] {
    if (this.ended) return []
    const out: SseMessage[] = []
    this.fail(errorCode(err), err.message, err.param ?? null, out)
    return out
  }

  /**
   * `response.failed` (the lifecycle end that clients iterating events watch for), then `event: error`, which
   * makes the 6.x SDK's stream helper reject and the 7.x SDK throw.
   */
  private fail (code: string, message: string, param: string | null, out: SseMessage[]): void {
    this.open(out)
    this.items.abandonOpen()
    this.ended = true
    out.push(this.lifecycle('response.failed', { status: 'failed', incompleteDetails: null, error: { code, message } }, this.usage ?? null))
    out.push(this.items.event('error', { code, message, param }))
  }
}

export function createResponsesStreamEncoder (req: ChatRequest, ctx: TranslateContext): ResponsesStreamEncoder {
  return new Encoder(req, ctx)
}
