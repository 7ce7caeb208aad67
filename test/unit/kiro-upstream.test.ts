import t, { type Test } from 'tap'
import type { ChatRequest, StreamEvent } from '../../schemas/canonical.js'
import { Transport, type UpstreamResponse } from '../../plugins/transport.js'
import { readBodyText, upstreamHttpError, classifyTransportError } from '../../plugins/upstream-errors.js'
import { isGatewayError, type GatewayError } from '../../plugins/gateway-error.js'
import { toKiroRequest } from '../../providers/claude-kiro-oauth/request.js'
import { createKiroStreamDecoder, decodeKiroStream } from '../../providers/claude-kiro-oauth/stream.js'
import { isKiroTokenInvalid, kiroErrorDetails } from '../../providers/claude-kiro-oauth/errors.js'
import { kiroHeaders, kiroMachineId } from '../../providers/claude-kiro-oauth/headers.js'
import { parseKiroCredentials } from '../../providers/claude-kiro-oauth/token-file.js'
import { refreshKiroToken } from '../../providers/claude-kiro-oauth/auth.js'
import { startFakeKiro, type FakeKiro, type FakeKiroEvent } from '../fakes/kiro-server.js'

/** The pieces wired the way the provider will: build → send → classify errors → decode the event stream. */

const ctx = { now: () => 0, id: (prefix: string) => `${prefix}x` }

const req: ChatRequest = {
  model: 'claude-sonnet-4-5',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] }],
  tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  stream: true
}

const script: FakeKiroEvent[] = [
  { eventType: 'assistantResponseEvent', payload: { content: 'Looking up Tromsø… ' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tu_1', input: '{"city":' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tu_1', input: '"Oslo"}' } },
  { eventType: 'toolUseEvent', payload: { name: 'get_weather', toolUseId: 'tu_1', stop: true } },
  { eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 40, outputTokens: 9 } } }
]

async function send (fake: FakeKiro, transport: Transport, token: string): Promise<UpstreamResponse> {
  const { body } = toKiroRequest(req, { model: 'claude-sonnet-4.5', conversationId: 'conv', profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/P' })
  const res = await transport.request({
    url: fake.apiUrl,
    headers: kiroHeaders(token, kiroMachineId('seed'), { invocationId: 'inv' }),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  if (res.status === 200) return res
  const text = await readBodyText(res.body)
  throw upstreamHttpError(res.status, res.headers, text, undefined, kiroErrorDetails(res.status, text))
}

async function collect (res: UpstreamResponse): Promise<StreamEvent[]> {
  const decoder = createKiroStreamDecoder(ctx, { model: 'claude-sonnet-4-5', toolNameMap: new Map([['get_weather', 'get_weather']]), estimateInputTokens: () => 0 })
  const out: StreamEvent[] = []
  for await (const batch of decodeKiroStream(res.body, decoder)) out.push(...batch)
  return out
}

async function setup (t: Test, chunkSize?: number): Promise<{ fake: FakeKiro, transport: Transport }> {
  const fake = await startFakeKiro(chunkSize === undefined ? {} : { chunkSize })
  const transport = new Transport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 })
  t.teardown(async () => { await transport.close(); await fake.close() })
  fake.setScript(script)
  return { fake, transport }
}

t.test('a streamed answer over HTTP in 7-byte pieces', async (t) => {
  const { fake, transport } = await setup(t, 7)
  const events = await collect(await send(fake, transport, fake.validAccessToken()))
  t.same(events, [
    { type: 'start', id: 'msg_x', model: 'claude-sonnet-4-5' },
    { type: 'text_delta', text: 'Looking up Tromsø… ' },
    { type: 'tool_call_start', index: 0, id: 'tu_1', name: 'get_weather' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
    { type: 'tool_call_delta', index: 0, arguments: '"Oslo"}' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 40, outputTokens: 9 } }
  ])
  const recorded = fake.requests[0]
  t.equal(recorded?.headers.authorization, 'Bearer access-1')
  t.equal(recorded?.headers['amz-sdk-invocation-id'], 'inv')
  t.equal(recorded?.headers['x-amzn-kiro-agent-mode'], 'vibe')
  t.match(recorded?.body, { conversationState: { currentMessage: { userInputMessage: { content: 'Be brief.\n\nWeather in Oslo?', modelId: 'claude-sonnet-4.5' } } } })
})

t.test('an expired token: 403 marker, refresh, one retry', async (t) => {
  const { fake, transport } = await setup(t)
  fake.expireAccessToken()
  let creds = parseKiroCredentials({ accessToken: 'access-1', refreshToken: 'refresh-1', authMethod: 'social' }, 'test')
  const first = await send(fake, transport, creds.accessToken ?? '').catch((err: unknown) => err)
  t.ok(isKiroTokenInvalid(first), 'the provider is told to refresh')
  creds = await refreshKiroToken(transport, creds, { social: fake.socialRefreshUrl, idc: fake.idcRefreshUrl }, AbortSignal.timeout(5000))
  const events = await collect(await send(fake, transport, creds.accessToken ?? ''))
  t.match(events.at(-1), { type: 'finish', reason: 'tool_calls' })
})

t.test('HTTP faults become classified GatewayErrors', async (t) => {
  const { fake, transport } = await setup(t)
  const cases: Array<[Parameters<FakeKiro['setFault']>[0], Partial<GatewayError>]> = [
    [{ type: 'throttle' }, { status: 429, kind: 'rate_limit' }],
    [{ type: 'validation', message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' }, { status: 400, code: 'context_length_exceeded' }],
    [{ type: 'validation' }, { status: 400, message: 'Improperly formed request.' }],
    [{ type: 'quota' }, { status: 402, kind: 'billing' }],
    [{ type: 'suspended' }, { status: 403, kind: 'permission', shouldRetry: false }]
  ]
  for (const [fault, expected] of cases) {
    fake.setFault(fault)
    const err = await send(fake, transport, fake.validAccessToken()).catch((e: unknown) => e)
    t.ok(isGatewayError(err), `${fault?.type} → GatewayError`)
    t.match(err, expected)
  }
})

t.test('a corrupt frame mid-stream ends with a 502 after the good frames', async (t) => {
  const { fake, transport } = await setup(t)
  fake.setFault({ type: 'bad-message-crc', frame: 2 })
  const res = await send(fake, transport, fake.validAccessToken())
  const decoder = createKiroStreamDecoder(ctx, { model: 'm', toolNameMap: new Map(), estimateInputTokens: () => 0 })
  const seen: StreamEvent[] = []
  const err = await (async () => {
    for await (const batch of decodeKiroStream(res.body, decoder)) seen.push(...batch)
  })().catch((e: unknown) => e)
  t.match(err, { status: 502, message: /corrupt event-stream frame from Kiro \(message CRC mismatch\)/ })
  t.notOk(seen.some((e) => e.type === 'text_delta' && e.text.includes('\uFFFD')), 'no garbled text')
  t.ok(seen.some((e) => e.type === 'tool_call_start'), 'frames before the bad one were delivered')
})

t.test('a connection reset inside a frame surfaces as an error, not a truncated success', async (t) => {
  const { fake, transport } = await setup(t)
  fake.setFault({ type: 'reset', afterFrames: 2 })
  const res = await send(fake, transport, fake.validAccessToken())
  const err = await collect(res).catch((e: unknown) => e)
  const classified = classifyTransportError(err)
  t.ok(isGatewayError(classified) && classified.status === 502, `502 (${String((classified as Error).message)})`)
})
