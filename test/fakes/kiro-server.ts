import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec'

/**
 * A fake Kiro / CodeWhisperer upstream on 127.0.0.1: generateAssistantResponse answering with real AWS
 * event-stream frames (same codec, CRCs included) from a script, the social and IdC token refresh endpoints, and
 * one-shot faults (bad CRCs, 403 bearer, 429, 400 ValidationException, quota, mid-frame reset).
 */

export interface FakeKiroEvent {
  eventType?: string
  payload?: unknown
  messageType?: 'event' | 'exception' | 'error'
  exceptionType?: string
  errorCode?: string
  errorMessage?: string
  /** Send the payload nested under the event name (`{"assistantResponseEvent":{…}}`). */
  nested?: boolean
}

export type FakeKiroFault =
  | { type: 'bad-prelude-crc', frame?: number }
  | { type: 'bad-message-crc', frame?: number }
  | { type: 'bearer-invalid' }
  | { type: 'suspended' }
  | { type: 'throttle' }
  | { type: 'validation', message?: string, reason?: string }
  | { type: 'quota' }
  | { type: 'reset', afterFrames: number }
  /** Any HTTP error with its own body and headers (a 429 with Retry-After, say). */
  | { type: 'http', status: number, body: unknown, headers?: Record<string, string> }

export interface FakeKiroOptions {
  accessToken?: string
  refreshToken?: string
  clientId?: string
  clientSecret?: string
  profileArn?: string
  /** Issue a new refresh token with every refresh. */
  rotateRefreshToken?: boolean
  expiresIn?: number
  /** Write the response body in pieces of this many bytes (default: one write per frame). */
  chunkSize?: number
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}

export interface FakeKiro {
  url: string
  apiUrl: string
  socialRefreshUrl: string
  idcRefreshUrl: string
  requests: RecordedRequest[]
  setScript(events: FakeKiroEvent[]): void
  /** Applies to the next generateAssistantResponse call only, or to every call until replaced when sticky. */
  setFault(fault: FakeKiroFault | undefined, opts?: { sticky?: boolean }): void
  /** The access token the server currently accepts. */
  validAccessToken(): string
  validRefreshToken(): string
  /** Makes the current access token invalid, as if it had expired; only a refresh gets a new one. */
  expireAccessToken(): void
  close(): Promise<void>
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8'))
)

export function encodeKiroFrame (event: FakeKiroEvent): Uint8Array {
  const messageType = event.messageType ?? 'event'
  const headers: MessageHeaders = { ':message-type': { type: 'string', value: messageType } }
  if (event.eventType !== undefined) headers[':event-type'] = { type: 'string', value: event.eventType }
  if (event.exceptionType !== undefined) headers[':exception-type'] = { type: 'string', value: event.exceptionType }
  if (event.errorCode !== undefined) headers[':error-code'] = { type: 'string', value: event.errorCode }
  if (event.errorMessage !== undefined) headers[':error-message'] = { type: 'string', value: event.errorMessage }
  headers[':content-type'] = { type: 'string', value: 'application/json' }
  const payload = event.nested === true && event.eventType !== undefined ? { [event.eventType]: event.payload } : event.payload
  const body = payload === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(JSON.stringify(payload), 'utf8'))
  return codec.encode({ headers, body })
}

async function readJsonBody (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers })
  res.end(text)
}

function field (body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

/** The fake's state and request handling; startFakeKiro wraps it in a server. */
class FakeKiroUpstream {
  accessToken: string
  refreshToken: string
  script: FakeKiroEvent[] = []
  fault: FakeKiroFault | undefined
  stickyFault = false
  readonly requests: RecordedRequest[] = []
  private issued = 1

  constructor (private readonly opts: FakeKiroOptions) {
    this.accessToken = opts.accessToken ?? 'access-1'
    this.refreshToken = opts.refreshToken ?? 'refresh-1'
  }

  async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req)
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body })
    if (req.method === 'POST' && path === '/refreshToken') return this.refresh(res, body, false)
    if (req.method === 'POST' && path === '/token') return this.refresh(res, body, true)
    if (req.method !== 'POST' || path !== '/generateAssistantResponse') return sendJson(res, 404, { message: 'Not found' })
    const fault = this.fault
    if (!this.stickyFault) this.fault = undefined
    if (fault !== undefined && answerFault(res, fault)) return
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return sendJson(res, 403, { message: 'The bearer token included in the request is invalid.', reason: null })
    }
    await this.stream(res, fault)
  }

  private refresh (res: ServerResponse, body: unknown, idc: boolean): void {
    const clientOk = !idc || (field(body, 'clientId') === (this.opts.clientId ?? 'client-1') &&
      field(body, 'clientSecret') === (this.opts.clientSecret ?? 'secret-1') && field(body, 'grantType') === 'refresh_token')
    if (!clientOk || field(body, 'refreshToken') !== this.refreshToken) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' })
      return
    }
    this.issued++
    this.accessToken = `access-${this.issued}`
    if (this.opts.rotateRefreshToken === true) this.refreshToken = `refresh-${this.issued}`
    const tokens = { accessToken: this.accessToken, refreshToken: this.refreshToken, expiresIn: this.opts.expiresIn ?? 3600 }
    if (idc) sendJson(res, 200, { ...tokens, tokenType: 'Bearer' })
    else sendJson(res, 200, { ...tokens, profileArn: this.opts.profileArn ?? 'arn:aws:codewhisperer:us-east-1:123456789012:profile/FAKE' })
  }

  private frames (fault: FakeKiroFault | undefined): Uint8Array[] {
    const out = this.script.map(encodeKiroFrame)
    if (fault?.type === 'bad-prelude-crc' || fault?.type === 'bad-message-crc') {
      const frame = out[fault.frame ?? 0]
      if (frame !== undefined) {
        const at = fault.type === 'bad-prelude-crc' ? 8 : frame.byteLength - 1
        frame[at] = (frame[at] ?? 0) ^ 0xff
      }
    }
    return out
  }

  private async stream (res: ServerResponse, fault: FakeKiroFault | undefined): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake-request-id' })
    const all = this.frames(fault)
    const limit = fault?.type === 'reset' ? fault.afterFrames : all.length
    const chunkSize = this.opts.chunkSize
    const pieces = chunkSize === undefined ? all.slice(0, limit) : split(Buffer.concat(all.slice(0, limit)), chunkSize)
    for (const piece of pieces) {
      if (!res.write(piece)) await once(res, 'drain')
    }
    if (fault?.type === 'reset') {
      // Half of the next frame, then the connection dies: a reset inside a frame.
      const next = all[limit]
      if (next !== undefined) res.write(next.subarray(0, Math.floor(next.byteLength / 2)))
      await new Promise((resolve) => setTimeout(resolve, 20))
      res.socket?.destroy()
      return
    }
    res.end()
  }
}

function answerFault (res: ServerResponse, fault: FakeKiroFault): boolean {
  switch (fault.type) {
    case 'bearer-invalid': sendJson(res, 403, { message: 'The bearer token included in the request is invalid.', reason: null }); return true
    case 'suspended': sendJson(res, 403, { message: 'Your User ID temporarily is suspended.', reason: 'TEMPORARILY_SUSPENDED' }); return true
    case 'throttle': sendJson(res, 429, { __type: 'com.amazon.aws.codewhisperer#ThrottlingException', message: 'Too many requests, please wait before trying again.' }); return true
    case 'validation': sendJson(res, 400, { __type: 'com.amazon.aws.codewhisperer#ValidationException', message: fault.message ?? 'Improperly formed request.', reason: fault.reason ?? null }); return true
    case 'quota': sendJson(res, 402, { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' }); return true
    case 'http': sendJson(res, fault.status, fault.body, fault.headers); return true
    default: return false
  }
}

export async function startFakeKiro (opts: FakeKiroOptions = {}): Promise<FakeKiro> {
  const upstream = new FakeKiroUpstream(opts)
  const server = createServer((req, res) => {
    upstream.handle(req, res).catch(() => res.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    apiUrl: `${url}/generateAssistantResponse`,
    socialRefreshUrl: `${url}/refreshToken`,
    idcRefreshUrl: `${url}/token`,
    requests: upstream.requests,
    setScript: (events) => { upstream.script = events },
    setFault: (fault, opts) => {
      upstream.fault = fault
      upstream.stickyFault = opts?.sticky === true
    },
    validAccessToken: () => upstream.accessToken,
    validRefreshToken: () => upstream.refreshToken,
    expireAccessToken: () => { upstream.accessToken = `expired-${upstream.accessToken}` },
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
}

function split (buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size))
  return out
}
