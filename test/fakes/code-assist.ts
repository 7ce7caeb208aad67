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

export async function startFakeCodeAssist (opts: FakeCodeAssistOptions = {}): Promise<FakeCodeAssist> {
  const server = await startFakeServer()
  const oauth = addGoogleOAuth(server, opts.expiresIn === undefined ? {} : { expiresIn: opts.expiresIn })
  let setup: AccountSetup = opts.setup ?? 'ready'
  let script: Array<Record<string, unknown>> | undefined
  let fault: CodeAssistFault | undefined
  let pollsLeft = 0
  let traces = 0
  const project = (): string => setup === 'onboard-free' ? MANAGED_PROJECT : READY_PROJECT

  /** Auth and wrapper checks shared by the generate methods; false when an error was sent. */
  const accepted = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (!oauth.isValid(req.headers.authorization)) { sendJson(res, 401, UNAUTHENTICATED); return false }
    const body = req.json as Record<string, unknown> | undefined
    if (body === undefined || typeof body.model !== 'string' || typeof body.user_prompt_id !== 'string' || typeof body.request !== 'object') {
      sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received. Missing model, user_prompt_id or request.', status: 'INVALID_ARGUMENT' } })
      return false
    }
    if (body.project !== project()) {
      sendJson(res, 403, { error: { code: 403, message: `Permission denied on resource project ${String(body.project)}.`, status: 'PERMISSION_DENIED' } })
      return false
    }
    const now = fault
    fault = undefined
    if (now === 'quota') { sendJson(res, 429, QUOTA_ERROR); return false }
    if (now === 'validation') { sendJson(res, 403, VALIDATION_ERROR); return false }
    if (now === 'bad-chunk') fault = 'bad-chunk'
    return true
  }
  const chunksFor = (req: RecordedRequest): Array<Record<string, unknown>> => {
    const body = req.json as { model: string, request: Record<string, unknown> }
    return script ?? echoChunks(body.request, body.model)
  }
  const envelope = (response: Record<string, unknown>): Record<string, unknown> => ({ response, traceId: `trace-${++traces}` })

  server.route('POST /v1internal:generateContent', (req, res) => {
    if (accepted(req, res)) sendJson(res, 200, envelope(merge(chunksFor(req))))
  })
  server.route('POST /v1internal:streamGenerateContent', async (req, res) => {
    if (!accepted(req, res)) return
    const frames = chunksFor(req).map(c => `data: ${JSON.stringify(envelope(c))}\r\n\r\n`)
    if (fault === 'bad-chunk') { fault = undefined; frames.splice(1, 0, 'data: {not json\r\n\r\n') }
    await sendSse(res, frames)
  })
  server.route('POST /v1internal:countTokens', (req, res) => {
    if (!oauth.isValid(req.headers.authorization)) return sendJson(res, 401, UNAUTHENTICATED)
    const request = (req.json as { request?: { model?: string, contents?: unknown[] } }).request
    if (typeof request?.model !== 'string' || !request.model.startsWith('models/')) return sendJson(res, 400, { error: { code: 400, message: 'model must be models/{id}', status: 'INVALID_ARGUMENT' } })
    sendJson(res, 200, { totalTokens: JSON.stringify(request.contents ?? []).length })
  })
  server.route('POST /v1internal:loadCodeAssist', (req, res) => {
    if (!oauth.isValid(req.headers.authorization)) return sendJson(res, 401, UNAUTHENTICATED)
    const free = { id: 'free-tier', name: 'Gemini Code Assist for individuals', isDefault: true, userDefinedCloudaicompanionProject: false }
    const standard = { id: 'standard-tier', name: 'Gemini Code Assist', isDefault: true, userDefinedCloudaicompanionProject: true }
    switch (setup) {
      case 'ready': return sendJson(res, 200, { currentTier: free, allowedTiers: [free], cloudaicompanionProject: READY_PROJECT })
      case 'onboard-free': return sendJson(res, 200, { allowedTiers: [free] })
      case 'validation': return sendJson(res, 200, { allowedTiers: [free], ineligibleTiers: [{ reasonCode: 'VALIDATION_REQUIRED', reasonMessage: 'Account verification required', tierId: 'free-tier', tierName: free.name, validationUrl: VALIDATION_URL }] })
      case 'ineligible': return sendJson(res, 200, { allowedTiers: [{ ...standard }], ineligibleTiers: [{ reasonCode: 'INELIGIBLE_ACCOUNT', reasonMessage: 'Your account is not eligible for Gemini Code Assist for individuals', tierId: 'free-tier', tierName: free.name }] })
    }
  })
  server.route('POST /v1internal:onboardUser', (req, res) => {
    if (!oauth.isValid(req.headers.authorization)) return sendJson(res, 401, UNAUTHENTICATED)
    const body = req.json as { tierId?: string, cloudaicompanionProject?: string }
    if (body.tierId === 'free-tier' && body.cloudaicompanionProject !== undefined) {
      return sendJson(res, 400, { error: { code: 400, message: 'Precondition Failed', status: 'FAILED_PRECONDITION' } })
    }
    pollsLeft = opts.polls ?? 1
    sendJson(res, 200, { name: 'operations/onboard-fake-1', done: false })
  })
  server.route('GET /v1internal/operations/onboard-fake-1', (req, res) => {
    if (!oauth.isValid(req.headers.authorization)) return sendJson(res, 401, UNAUTHENTICATED)
    if (--pollsLeft > 0) return sendJson(res, 200, { name: 'operations/onboard-fake-1', done: false })
    const response = setup === 'onboard-free' ? { '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse', cloudaicompanionProject: { id: MANAGED_PROJECT, name: MANAGED_PROJECT } } : {}
    sendJson(res, 200, { name: 'operations/onboard-fake-1', done: true, response })
  })

  return {
    url: server.url,
    oauth,
    server,
    requests: server.requests,
    get project () { return project() },
    setSetup: s => { setup = s },
    respondWith: chunks => { script = chunks },
    setFault: f => { fault = f },
    calls: method => server.requests.filter(r => r.url.split('?')[0]?.replace(/^\/v1internal[:/]/, '').startsWith(method) === true),
    close: async () => { await server.close() }
  }
}
