import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ChatRequest, ChatResponse, StreamEvent } from '../schemas/canonical.js'
import type { PassthroughResponse, ProviderCallContext } from '../providers/types.js'
import type { RoutingKey, StreamEncoder, SurfaceCodec, SystemEdit } from '../routes/surface-codec.js'
import { runAttempts, UntranslatableRequest } from './attempts.js'
import type { ExchangeRecord } from './exchanges.js'
import { isGatewayError } from './gateway-error.js'
import { planTargets, type RouteTarget } from './router.js'
import { resolveAlias } from './aliases.js'
import { CanonicalRequest, routingOnlyRequest } from './canonical-request.js'
import { JSON_STREAM_HEADERS, SSE_HEADERS } from './sse-writer.js'
import { StreamAccumulator } from './stream-accumulator.js'
import { encodeStream, PassthroughTap, relayReadable, type Framing, type StreamReport } from './stream-reply.js'
import { ClientAbortError } from './upstream-errors.js'
import { decodePassthroughResponse, passthroughUsage } from './passthrough-usage.js'

export interface ChatCall<Body> {
  codec: SurfaceCodec<Body>
  body: Body
  /** The passthrough operation for a provider that speaks the codec's protocol; absent = always translate. */
  passthroughOperation?: (model: string, stream: boolean) => string
  /** The request's bytes when `body` is the parsed request body itself (forwarded as is when unchanged). */
  raw?: Buffer
  /** Gemini without alt=sse streams one JSON array instead of SSE. */
  framing?: Framing
  /** Adjusts the canonical request on the translated path only (the Responses surface prepends stored history); may throw a 400. */
  translate?: (req: ChatRequest) => ChatRequest
  /** Called when a translated exchange completed, with what the client received (stores Responses conversations). */
  onComplete?: (done: CompletedExchange) => void
}

export interface CompletedExchange {
  request: ChatRequest
  response: ChatResponse
  /** Non-stream: the encoded body sent to the client. */
  payload?: unknown
  /** Stream: the encoder that produced the client's events. */
  encoder?: StreamEncoder
}

type Outcome =
  | { kind: 'passthrough', res: PassthroughResponse, sent: unknown }
  | { kind: 'stream', events: AsyncIterable<StreamEvent[]>, request: ChatRequest }
  | { kind: 'response', response: ChatResponse, request: ChatRequest }

/** Client headers a provider may forward upstream; credentials are never among them. */
const FORWARDED_HEADERS = ['anthropic-beta', 'anthropic-version'] as const

function forwardedHeaders (request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') out[name] = value
  }
  return out
}

/** Aborts the upstream call when the client goes away before its response is complete. */
function abortOnClientClose (reply: FastifyReply): AbortController {
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new ClientAbortError())
  })
  return controller
}

/** What every attempt of one exchange shares. */
interface Exchange<Body> {
  call: ChatCall<Body>
  route: RoutingKey
  /** False when the request must be translated for every target (an alias forcing parameters, PASSTHROUGH off). */
  passthroughAllowed: boolean
  canonical: CanonicalRequest<Body>
  edit: SystemEdit | undefined
  /** The client's body after the system-prompt edit, made on the first passthrough attempt that needs it. */
  edited?: Body
}

/** Runs one attempt against one target: passthrough when protocols match, translated otherwise. */
async function attempt<Body> (x: Exchange<Body>, target: RouteTarget, ctx: ProviderCallContext): Promise<Outcome> {
  const { provider, model } = target
  const { call, route } = x
  if (x.passthroughAllowed && provider.protocol === call.codec.protocol && provider.passthrough !== undefined && call.passthroughOperation !== undefined) {
    // Unchanged (same model, no system-prompt edit): the client's own bytes go upstream, not a re-serialization.
    const unchanged = x.edit === undefined && call.raw !== undefined && (call.body as { model?: unknown }).model === model
    let body = call.body
    if (x.edit !== undefined) body = x.edited ??= call.codec.editSystem(call.body, x.edit)
    if (!unchanged) body = call.codec.withModel(body, model)
    const wire = body as Record<string, unknown>
    const res = await provider.passthrough({
      protocol: call.codec.protocol,
      operation: call.passthroughOperation(model, route.stream),
      body: wire,
      ...(unchanged && call.raw !== undefined ? { raw: call.raw } : {}),
      stream: route.stream
    }, ctx)
    return { kind: 'passthrough', res, sent: wire }
  }
  let canonical: ChatRequest
  try {
    canonical = x.canonical.get()
  } catch (err) {
    // This target needs a translation the request cannot have; another may take it as sent.
    if (isGatewayError(err)) throw new UntranslatableRequest(err)
    throw err
  }
  const req = model === canonical.model ? canonical : { ...canonical, model }
  if (route.stream) return { kind: 'stream', events: await provider.stream(req, ctx), request: canonical }
  return { kind: 'response', response: await provider.complete(req, ctx), request: canonical }
}

/**
 * A whole non-stream body. An upstream's Readable is read from its own events (one promise for the body, where an
 * async iterator costs a promise and an iterator step per chunk); other iterables are iterated.
 */
async function readAll (body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  if (body instanceof Readable) {
    return await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      body.on('data', (chunk: Buffer) => chunks.push(chunk))
      body.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
      body.once('error', reject)
    })
  }
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/**
 * The whole life of a chat request on any surface: decode → route → system-prompt hook → attempts with retry and
 * failover (nothing is sent before an upstream answered) → passthrough or translated reply → exchange record.
 */
export async function handleChat<Body> (fastify: FastifyInstance, request: FastifyRequest, reply: FastifyReply, call: ChatCall<Body>): Promise<FastifyReply> {
  const startedAt = performance.now()
  const arrivedAt = Date.now()
  const tctx = fastify.gatewayTranslate
  const c = fastify.gatewayConfig
  const routed = call.codec.routeOf(call.body)
  const alias = resolveAlias(c, routed.model)
  const route: RoutingKey = { model: alias.model, stream: routed.stream }
  const edit = fastify.systemPromptEdit()
  const adjust = call.translate
  const x: Exchange<Body> = {
    call,
    route,
    passthroughAllowed: c.PASSTHROUGH && alias.params === undefined && call.passthroughOperation !== undefined,
    canonical: new CanonicalRequest({ codec: call.codec, body: call.body, alias, edit, ctx: tctx, ...(adjust === undefined ? {} : { adjust }) }),
    edit
  }
  // Every attempt translates: a request that cannot be is refused before routing, as the translator would.
  if (!x.passthroughAllowed) x.canonical.get()
  fastify.gatewayClients.checkModel(request.clientKey, route.model)
  const plan = await planTargets(fastify, request, route.model, alias.provider)
  const targets = plan.targets

  const hub = fastify.gatewayExchanges
  const wantsContent = hub.wantsContent
  const controller = abortOnClientClose(reply)
  let upstreamBody: unknown
  const ctx: ProviderCallContext = {
    signal: controller.signal,
    log: request.log,
    requestId: request.id,
    translate: tctx,
    clientHeaders: forwardedHeaders(request),
    ...(wantsContent ? { onUpstreamRequest: (body: unknown) => { upstreamBody = body } } : {})
  }
  const policy = { maxRetries: c.REQUEST_MAX_RETRIES, baseDelayMs: c.REQUEST_BASE_DELAY, maxDelayMs: c.REQUEST_MAX_DELAY }

  const record: ExchangeRecord = {
    arrivedAt,
    requestId: request.id,
    ...(request.clientKey === undefined ? {} : { clientKey: request.clientKey.name }),
    surface: call.codec.protocol,
    provider: targets[0]?.provider.id ?? '',
    model: targets[0]?.model ?? route.model,
    stream: route.stream,
    passthrough: false,
    status: 200,
    latencyMs: 0,
    attempts: 0
  }
  const finish = (extra: Partial<ExchangeRecord>): void => {
    if (!hub.active) return
    Object.assign(record, extra)
    record.latencyMs = performance.now() - startedAt
    if (wantsContent && record.request === undefined) record.request = upstreamBody
    hub.emit(record)
  }

  let outcome: Outcome
  const dispatchAt = performance.now()
  try {
    const run = await runAttempts(plan, policy, fastify.gatewayPools, controller.signal, request.log, async (target, n) => {
      request.log.debug({ provider: target.provider.id, model: target.model, attempt: n }, 'upstream attempt')
      return await attempt(x, target, ctx)
    })
    if (run.lease !== undefined) {
      const lease = run.lease
      reply.raw.once('close', () => { lease.release().catch(() => {}) })
    }
    outcome = run.result
    record.provider = run.target.provider.id
    record.model = run.target.model
    record.attempts = run.attempts
    record.overheadMs = dispatchAt - startedAt
  } catch (err) {
    if (err instanceof ClientAbortError) {
      finish({ status: 499, error: { kind: 'client_abort', message: err.message } })
      return reply
    }
    const status = isGatewayError(err) ? err.status : 500
    finish({ status, error: { kind: isGatewayError(err) ? err.kind : 'internal', message: err instanceof Error ? err.message : String(err) } })
    throw err
  }
  return sendOutcome(fastify, reply, call, route, outcome, record, startedAt, finish)
}

async function sendOutcome<Body> (
  fastify: FastifyInstance,
  reply: FastifyReply,
  call: ChatCall<Body>,
  route: RoutingKey,
  outcome: Outcome,
  record: ExchangeRecord,
  startedAt: number,
  finish: (extra: Partial<ExchangeRecord>) => void
): Promise<FastifyReply> {
  const tctx = fastify.gatewayTranslate
  const wantsContent = fastify.gatewayExchanges.wantsContent
  const framing = call.framing ?? 'sse'
  const reader = fastify.gatewayProviders.reader(call.codec.protocol)

  const answeredAt = performance.now()
  const overhead = (record.overheadMs ?? 0)
  if (outcome.kind === 'response') {
    const payload = call.codec.encodeResponse(outcome.response, outcome.request, tctx)
    call.onComplete?.({ request: outcome.request, response: outcome.response, payload })
    const now = performance.now()
    finish({ response: outcome.response, usage: outcome.response.usage, ttfbMs: now - startedAt, overheadMs: overhead + now - answeredAt })
    return await reply.code(200).type('application/json').send(payload)
  }

  if (outcome.kind === 'passthrough') {
    record.passthrough = true
    record.request = outcome.sent
    const { res } = outcome
    if (!route.stream) {
      const buf = await readAll(res.body)
      const bodyAt = performance.now()
      const observer = fastify.gatewayExchanges.active ? reader : undefined
      // Content observers get the decoded response; metrics and token limits need only its usage object.
      const response = observer !== undefined && wantsContent ? decodePassthroughResponse(buf, observer, tctx) : undefined
      const usage = response?.usage ?? (observer !== undefined && !wantsContent ? passthroughUsage(buf, observer, tctx) : undefined)
      const now = performance.now()
      finish({ ...(response === undefined ? {} : { response }), ...(usage === undefined ? {} : { usage }), ttfbMs: now - startedAt, overheadMs: overhead + now - bodyAt })
      return await reply.code(res.status).headers(res.headers).send(buf)
    }
    const report: StreamReport = {}
    const tap = fastify.gatewayExchanges.active && reader !== undefined && framing === 'sse' ? new PassthroughTap(reader, tctx, !wantsContent) : undefined
    const stream = relayReadable(res.body, { tap, encoder: call.codec.createStreamEncoder(routingOnlyRequest(route.model, true), tctx), framing, report })
    stream.once('close', () => {
      const response = wantsContent ? tap?.accumulator.result() : undefined
      const usage = tap?.usage()
      finish({
        ...(response === undefined ? {} : { response }),
        ...(usage === undefined ? {} : { usage }),
        ...streamStatus(report, startedAt)
      })
    })
    return await reply.code(200).headers({ ...res.headers, ...streamHeaders(framing) }).send(stream)
  }

  const needsResponse = wantsContent || fastify.gatewayExchanges.active || call.onComplete !== undefined
  const report: StreamReport = needsResponse ? { accumulator: new StreamAccumulator(Math.floor(tctx.now() / 1000)) } : {}
  const encoder = call.codec.createStreamEncoder(outcome.request, tctx)
  const stream = Readable.from(encodeStream(outcome.events, encoder, framing, report), { objectMode: false })
  stream.once('close', () => {
    const response = report.accumulator?.result()
    if (response !== undefined && report.error === undefined && report.accumulator?.isFinished === true) {
      call.onComplete?.({ request: outcome.request, response, encoder })
    }
    finish({ ...(response === undefined ? {} : { response, usage: response.usage }), ...streamStatus(report, startedAt) })
  })
  return await reply.code(200).headers(streamHeaders(framing)).send(stream)
}

/** SSE, or a JSON array for Gemini streams requested without alt=sse; never buffered by proxies either way. */
function streamHeaders (framing: Framing): Readonly<Record<string, string>> {
  return framing === 'json-array' ? JSON_STREAM_HEADERS : SSE_HEADERS
}

function streamStatus (report: StreamReport, startedAt: number): Partial<ExchangeRecord> {
  const out: Partial<ExchangeRecord> = {}
  if (report.firstByteAt !== undefined) out.ttfbMs = report.firstByteAt - startedAt
  if (report.error !== undefined) out.error = { kind: report.error.kind, message: report.error.message }
  return out
}
