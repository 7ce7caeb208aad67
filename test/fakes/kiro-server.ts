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
  /** Applies to the next generateAssistantResponse call only. */
  setFault(fault: FakeKiroFault | undefined): void
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

function sendJson (res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function field (body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

export async function startFakeKiro (opts: FakeKiroOptions = {}): Promise<FakeKiro> {
  let accessToken = opts.accessToken ?? 'access-1'
  let refreshToken = opts.refreshToken ?? 'refresh-1'
  let issued = 1
  let script: FakeKiroEvent[] = []
  let fault: FakeKiroFault | undefined
  const requests: RecordedRequest[] = []

  function issueTokens (): { accessToken: string, refreshToken: string } {
    issued++
    accessToken = `access-${issued}`
    if (opts.rotateRefreshToken === true) refreshToken = `refresh-${issued}`
    return { accessToken, refreshToken }
  }

  function refresh (res: ServerResponse, body: unknown, idc: boolean): void {
    const clientOk = !idc || (field(body, 'clientId') === (opts.clientId ?? 'client-1') &&
      field(body, 'clientSecret') === (opts.clientSecret ?? 'secret-1') && field(body, 'grantType') === 'refresh_token')
    if (!clientOk || field(body, 'refreshToken') !== refreshToken) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' })
      return
    }
    const tokens = issueTokens()
    const expiresIn = opts.expiresIn ?? 3600
    if (idc) sendJson(res, 200, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn, tokenType: 'Bearer' })
    else sendJson(res, 200, { ...tokens, profileArn: opts.profileArn ?? 'arn:aws:codewhisperer:us-east-1:123456789012:profile/FAKE', expiresIn })
  }

  function answerFault (res: ServerResponse, f: FakeKiroFault): boolean {
    switch (f.type) {
      case 'bearer-invalid': sendJson(res, 403, { message: 'The bearer token included in the request is invalid.', reason: null }); return true
      case 'suspended': sendJson(res, 403, { message: 'Your User ID temporarily is suspended.', reason: 'TEMPORARILY_SUSPENDED' }); return true
      case 'throttle': sendJson(res, 429, { __type: 'com.amazon.aws.codewhisperer#ThrottlingException', message: 'Too many requests, please wait before trying again.' }); return true
      case 'validation': sendJson(res, 400, { __type: 'com.amazon.aws.codewhisperer#ValidationException', message: f.message ?? 'Improperly formed request.', reason: f.reason ?? null }); return true
      case 'quota': sendJson(res, 402, { message: 'You have reached the limit.', reason: 'MONTHLY_REQUEST_COUNT' }); return true
      default: return false
    }
  }

  function frames (f: FakeKiroFault | undefined): Uint8Array[] {
    const out = script.map(encodeKiroFrame)
    if (f?.type === 'bad-prelude-crc' || f?.type === 'bad-message-crc') {
      const frame = out[f.frame ?? 0]
      if (frame !== undefined) {
        const at = f.type === 'bad-prelude-crc' ? 8 : frame.byteLength - 1
        frame[at] = (frame[at] ?? 0) ^ 0xff
      }
    }
    return out
  }

  async function stream (res: ServerResponse, f: FakeKiroFault | undefined): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'fake-request-id' })
    const all = frames(f)
    const limit = f?.type === 'reset' ? f.afterFrames : all.length
    const pieces = opts.chunkSize === undefined ? all.slice(0, limit) : split(Buffer.concat(all.slice(0, limit)), opts.chunkSize)
    for (const piece of pieces) {
      if (!res.write(piece)) await once(res, 'drain')
    }
    if (f?.type === 'reset') {
      const next = all[limit]
      if (next !== undefined) res.write(next.subarray(0, Math.floor(next.byteLength / 2)))
      await new Promise((resolve) => setTimeout(resolve, 20))
      res.socket?.destroy()
      return
    }
    res.end()
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readJsonBody(req)
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body })
      if (req.method === 'POST' && path === '/refreshToken') return refresh(res, body, false)
      if (req.method === 'POST' && path === '/token') return refresh(res, body, true)
      if (req.method !== 'POST' || path !== '/generateAssistantResponse') return sendJson(res, 404, { message: 'Not found' })
      const current = fault
      fault = undefined
      if (current !== undefined && answerFault(res, current)) return
      if (req.headers.authorization !== `Bearer ${accessToken}`) {
        return sendJson(res, 403, { message: 'The bearer token included in the request is invalid.', reason: null })
      }
      await stream(res, current)
    })().catch(() => res.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    apiUrl: `${url}/generateAssistantResponse`,
    socialRefreshUrl: `${url}/refreshToken`,
    idcRefreshUrl: `${url}/token`,
    requests,
    setScript: (events) => { script = events },
    setFault: (f) => { fault = f },
    validAccessToken: () => accessToken,
    validRefreshToken: () => refreshToken,
    expireAccessToken: () => { accessToken = `expired-${accessToken}` },
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
