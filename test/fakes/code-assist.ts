import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from './http-fake.js'
import { addGoogleOAuth, type FakeGoogleOAuth } from './google-oauth.js'

/**
 * A fake Google Code Assist (cloudcode-pa.googleapis.com/v1internal, FORMATS.md §5) plus the fake Google OAuth
 * endpoints, on one 127.0.0.1 server. generateContent answers `{"response":{…},"traceId":"…"}`; the stream sends
 * one such envelope per `data:` line; loadCodeAssist/onboardUser follow the account setup chosen, with an
 * onboarding operation that needs polling; faults (429 quota with RetryInfo/ErrorInfo, 403 VALIDATION_REQUIRED)
 * apply to the next generate call. Every call needs the current access token (401 UNAUTHENTICATED otherwise).
 */

export type AccountSetup =
  /** Onboarded: currentTier free-tier with a managed project. */
  | 'ready'
  /** New free-tier account: onboardUser (without a project) → an operation that completes after `polls` polls. */
  | 'onboard-free'
  /** loadCodeAssist lists VALIDATION_REQUIRED with a validationUrl. */
  | 'validation'
  /** Not eligible for the free tier; onboarding yields no project. */
  | 'ineligible'

export type CodeAssistFault = 'quota' | 'validation' | 'bad-chunk'

export interface FakeCodeAssistOptions {
  setup?: AccountSetup
  polls?: number
  expiresIn?: number
}

export interface FakeCodeAssist {
  url: string
  oauth: FakeGoogleOAuth
  server: FakeServer
  requests: RecordedRequest[]
  /** The project calls must name. */
  project: string
  setSetup(setup: AccountSetup): void
  /** Gemini response chunks (unwrapped) the next generate calls answer with; non-stream merges them. */
  respondWith(chunks: Array<Record<string, unknown>> | undefined): void
  /** Applies to the next generate / stream call only. */
  setFault(fault: CodeAssistFault | undefined): void
  /** Requests to one method (`generateContent`, `streamGenerateContent`, `loadCodeAssist`, …). */
  calls(method: string): RecordedRequest[]
  close(): Promise<void>
}

export const READY_PROJECT = 'fake-project-123'
export const MANAGED_PROJECT = 'managed-free-777'
export const VALIDATION_URL = 'https://accounts.google.com/signin/continue?validate=fake'

/** FORMATS.md §5 "Typical 429", byte for byte. */
export const QUOTA_ERROR = {
  error: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    message: 'You have exhausted your capacity on this model. Your quota will reset after 2h5m.',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXHAUSTED', domain: 'cloudcode-pa.googleapis.com', metadata: { uiMessage: 'true', model: 'gemini-2.5-pro', quotaResetDelay: '2h5m', quotaResetTimeStamp: '2026-11-24T12:00:00Z' } },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7500s' }
    ]
  }
}

export const VALIDATION_ERROR = {
  error: {
    code: 403,
    status: 'PERMISSION_DENIED',
    message: 'Verify your account to continue.',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'VALIDATION_REQUIRED', domain: 'cloudcode-pa.googleapis.com', metadata: {} },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Verify your account', url: VALIDATION_URL }] }
    ]
  }
}

const UNAUTHENTICATED = { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', status: 'UNAUTHENTICATED' } }

function lastUserText (request: Record<string, unknown>): string {
  const contents = Array.isArray(request.contents) ? request.contents as Array<{ role?: string, parts?: Array<{ text?: string }> }> : []
  const user = contents.filter(c => c.role === 'user').at(-1)
  return (user?.parts ?? []).map(p => p.text ?? '').join('')
}

function echoChunks (request: Record<string, unknown>, model: string): Array<Record<string, unknown>> {
  const text = lastUserText(request)
  return [
    { candidates: [{ content: { role: 'model', parts: [{ text: 'echo: ' }] } }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: model },
    { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 }, modelVersion: model }
  ]
}

type Part = Record<string, unknown>

/** A non-stream answer from stream chunks: parts concatenated (adjacent plain text merged), the last metadata. */
function merge (chunks: Array<Record<string, unknown>>): Record<string, unknown> {
  const parts: Part[] = []
  let last: Record<string, unknown> = {}
  let finishReason: unknown
  for (const chunk of chunks) {
    const candidate = (chunk.candidates as Array<Record<string, unknown>> | undefined)?.[0]
    const content = candidate?.content as { parts?: Part[] } | undefined
    for (const part of content?.parts ?? []) {
      const prev = parts.at(-1)
      if (typeof part.text === 'string' && prev !== undefined && typeof prev.text === 'string' && prev.thought === part.thought && part.thoughtSignature === undefined) {
        prev.text = `${prev.text}${part.text}`
      } else {
        parts.push({ ...part })
      }
    }
    if (candidate?.finishReason !== undefined) finishReason = candidate.finishReason
    last = chunk
  }
  const { candidates: _c, ...meta } = last
  return { candidates: [{ content: { role: 'model', parts }, finishReason: finishReason ?? 'STOP', index: 0 }], ...meta }
}

const FREE_TIER = { id: 'free-tier', name: 'Gemini Code Assist for individuals', isDefault: true, userDefinedCloudaicompanionProject: false }
const STANDARD_TIER = { id: 'standard-tier', name: 'Gemini Code Assist', isDefault: true, userDefinedCloudaicompanionProject: true }
const OPERATION = 'operations/onboard-fake-1'

/** loadCodeAssist's answer for each account setup (gemini-cli `types.ts` LoadCodeAssistResponse). */
function loadAnswer (setup: AccountSetup): Record<string, unknown> {
  switch (setup) {
    case 'ready': return { currentTier: FREE_TIER, allowedTiers: [FREE_TIER], cloudaicompanionProject: READY_PROJECT }
    case 'onboard-free': return { allowedTiers: [FREE_TIER] }
    case 'validation': return { allowedTiers: [FREE_TIER], ineligibleTiers: [{ reasonCode: 'VALIDATION_REQUIRED', reasonMessage: 'Account verification required', tierId: 'free-tier', tierName: FREE_TIER.name, validationUrl: VALIDATION_URL }] }
    case 'ineligible': return { allowedTiers: [STANDARD_TIER], ineligibleTiers: [{ reasonCode: 'INELIGIBLE_ACCOUNT', reasonMessage: 'Your account is not eligible for Gemini Code Assist for individuals', tierId: 'free-tier', tierName: FREE_TIER.name }] }
  }
}

/** The fake's state and handlers; startFakeCodeAssist mounts them. */
class CodeAssistState {
  setup: AccountSetup
  script: Array<Record<string, unknown>> | undefined
  fault: CodeAssistFault | undefined
  private pollsLeft = 0
  private traces = 0

  constructor (readonly oauth: FakeGoogleOAuth, private readonly opts: FakeCodeAssistOptions) {
    this.setup = opts.setup ?? 'ready'
  }

  get project (): string {
    return this.setup === 'onboard-free' ? MANAGED_PROJECT : READY_PROJECT
  }

  /** The access token check every method shares; false when a 401 was sent. */
  authorized (req: RecordedRequest, res: ServerResponse): boolean {
    if (this.oauth.isValid(req.headers.authorization)) return true
    sendJson(res, 401, UNAUTHENTICATED)
    return false
  }

  /** Auth, wrapper shape, project and the one-shot fault, for the generate methods; false when an error was sent. */
  accepted (req: RecordedRequest, res: ServerResponse): boolean {
    if (!this.authorized(req, res)) return false
    const body = req.json as Record<string, unknown> | undefined
    if (body === undefined || typeof body.model !== 'string' || typeof body.user_prompt_id !== 'string' || typeof body.request !== 'object') {
      sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received. Missing model, user_prompt_id or request.', status: 'INVALID_ARGUMENT' } })
      return false
    }
    if (body.project !== this.project) {
      sendJson(res, 403, { error: { code: 403, message: `Permission denied on resource project ${String(body.project)}.`, status: 'PERMISSION_DENIED' } })
      return false
    }
    const fault = this.fault
    if (fault !== 'bad-chunk') this.fault = undefined
    if (fault === 'quota') sendJson(res, 429, QUOTA_ERROR)
    if (fault === 'validation') sendJson(res, 403, VALIDATION_ERROR)
    return fault !== 'quota' && fault !== 'validation'
  }

  chunksFor (req: RecordedRequest): Array<Record<string, unknown>> {
    const body = req.json as { model: string, request: Record<string, unknown> }
    return this.script ?? echoChunks(body.request, body.model)
  }

  envelope (response: Record<string, unknown>): Record<string, unknown> {
    return { response, traceId: `trace-${++this.traces}` }
  }

  async stream (req: RecordedRequest, res: ServerResponse): Promise<void> {
    if (!this.accepted(req, res)) return
    const frames = this.chunksFor(req).map(c => `data: ${JSON.stringify(this.envelope(c))}\r\n\r\n`)
    if (this.fault === 'bad-chunk') {
      this.fault = undefined
      frames.splice(1, 0, 'data: {not json\r\n\r\n')
    }
    await sendSse(res, frames)
  }

  countTokens (req: RecordedRequest, res: ServerResponse): void {
    if (!this.authorized(req, res)) return
    const request = (req.json as { request?: { model?: string, contents?: unknown[] } }).request
    if (typeof request?.model !== 'string' || !request.model.startsWith('models/')) {
      return sendJson(res, 400, { error: { code: 400, message: 'model must be models/{id}', status: 'INVALID_ARGUMENT' } })
    }
    sendJson(res, 200, { totalTokens: JSON.stringify(request.contents ?? []).length })
  }

  onboard (req: RecordedRequest, res: ServerResponse): void {
    if (!this.authorized(req, res)) return
    const body = req.json as { tierId?: string, cloudaicompanionProject?: string }
    if (body.tierId === 'free-tier' && body.cloudaicompanionProject !== undefined) {
      return sendJson(res, 400, { error: { code: 400, message: 'Precondition Failed', status: 'FAILED_PRECONDITION' } })
    }
    this.pollsLeft = this.opts.polls ?? 1
    sendJson(res, 200, { name: OPERATION, done: false })
  }

  operation (req: RecordedRequest, res: ServerResponse): void {
    if (!this.authorized(req, res)) return
    if (--this.pollsLeft > 0) return sendJson(res, 200, { name: OPERATION, done: false })
    const response = this.setup === 'onboard-free'
      ? { '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse', cloudaicompanionProject: { id: MANAGED_PROJECT, name: MANAGED_PROJECT } }
      : {}
    sendJson(res, 200, { name: OPERATION, done: true, response })
  }
}

export async function startFakeCodeAssist (opts: FakeCodeAssistOptions = {}): Promise<FakeCodeAssist> {
  const server = await startFakeServer()
  const state = new CodeAssistState(addGoogleOAuth(server, opts.expiresIn === undefined ? {} : { expiresIn: opts.expiresIn }), opts)
  server.route('POST /v1internal:generateContent', (req, res) => {
    if (state.accepted(req, res)) sendJson(res, 200, state.envelope(merge(state.chunksFor(req))))
  })
  server.route('POST /v1internal:streamGenerateContent', async (req, res) => { await state.stream(req, res) })
  server.route('POST /v1internal:countTokens', (req, res) => state.countTokens(req, res))
  server.route('POST /v1internal:loadCodeAssist', (req, res) => {
    if (state.authorized(req, res)) sendJson(res, 200, loadAnswer(state.setup))
  })
  server.route('POST /v1internal:onboardUser', (req, res) => state.onboard(req, res))
  server.route(`GET /v1internal/${OPERATION}`, (req, res) => state.operation(req, res))
  return {
    url: server.url,
    oauth: state.oauth,
    server,
    requests: server.requests,
    get project () { return state.project },
    setSetup: s => { state.setup = s },
    respondWith: chunks => { state.script = chunks },
    setFault: f => { state.fault = f },
    calls: method => server.requests.filter(r => r.url.split('?')[0]?.replace(/^\/v1internal[:/]/, '').startsWith(method) === true),
    close: async () => { await server.close() }
  }
}
