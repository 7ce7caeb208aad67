import t from 'tap'
import { GatewayError } from '../../plugins/gateway-error.js'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import type { StreamEvent } from '../../schemas/canonical.js'
import { codeAssistErrorDetails, preferOwnMessage } from '../../providers/gemini-cli-oauth/errors.js'
import { DEFAULT_GEMINI_CLI_MODELS, geminiCliModelList, geminiCliModels, resolveGeminiCliModel } from '../../providers/gemini-cli-oauth/models.js'
import { discoverProject, type CodeAssistApi } from '../../providers/gemini-cli-oauth/project.js'
import { createCodeAssistStreamDecoder, unwrapCodeAssistStream } from '../../providers/gemini-cli-oauth/stream.js'
import { createGeminiStreamDecoder } from '../../providers/gemini-custom/stream.js'
import { decodeSseStream } from '../../providers/shared/decode-stream.js'
import { QUOTA_ERROR, VALIDATION_ERROR, VALIDATION_URL } from '../fakes/code-assist.js'
import { fixedContext } from './gemini-helpers.js'

t.test('429 RESOURCE_EXHAUSTED: RetryInfo becomes Retry-After, QUOTA_EXHAUSTED is terminal', async t => {
  const details = codeAssistErrorDetails(429, JSON.stringify(QUOTA_ERROR))
  t.equal(details.retryAfter, 7500)
  t.equal(details.shouldRetry, false)
  t.equal(details.code, 'insufficient_quota')
  t.match(details.message, /exhausted your capacity/)
  const err = upstreamHttpError(429, {}, JSON.stringify(QUOTA_ERROR), 'gemini', details)
  t.equal(err.retryAfter, 7500)
  t.equal(err.credentialScoped, true, 'feeds the pool cooldown')
  const reset = { error: { ...QUOTA_ERROR.error, details: [QUOTA_ERROR.error.details[0]] } }
  t.equal(codeAssistErrorDetails(429, JSON.stringify(reset)).retryAfter, 7500, 'quotaResetDelay 2h5m without RetryInfo')
})

t.test('403 VALIDATION_REQUIRED says where to verify; our message wins over the forwarded body', async t => {
  const details = codeAssistErrorDetails(403, JSON.stringify(VALIDATION_ERROR))
  t.equal(details.code, 'validation_required')
  t.equal(details.shouldRetry, false)
  t.match(details.message, new RegExp(`verified.*open ${VALIDATION_URL.replace(/[?.]/g, '\\$&')} in a browser`))
  const err = upstreamHttpError(403, {}, JSON.stringify(VALIDATION_ERROR), 'gemini', details)
  const own = preferOwnMessage(err) as GatewayError
  t.equal(own.upstream?.protocol, undefined, 'a Gemini client gets our message, not the upstream body')
  t.equal(own.upstream?.body, JSON.stringify(VALIDATION_ERROR))
  t.equal(own.status, 403)
  const plain = upstreamHttpError(429, {}, JSON.stringify(QUOTA_ERROR), 'gemini', codeAssistErrorDetails(429, JSON.stringify(QUOTA_ERROR)))
  t.equal(preferOwnMessage(plain), plain, 'other errors stay verbatim for Gemini clients')
})

t.test('403 SERVICE_DISABLED and licence errors name the fix', async t => {
  const disabled = { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Gemini for Google Cloud API has not been used in project p1 before or it is disabled.', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { consumer: 'projects/p1', activationUrl: 'https://console.developers.google.com/apis/api/cloudaicompanion.googleapis.com/overview?project=p1' } }] } }
  const d = codeAssistErrorDetails(403, JSON.stringify(disabled))
  t.equal(d.code, 'service_disabled')
  t.match(d.message, /not enabled for projects\/p1: enable it at https:\/\/console\.developers\.google\.com/)
  const licence = { error: { code: 403, status: 'PERMISSION_DENIED', message: 'The caller does not have a Gemini Code Assist license.' } }
  t.equal(codeAssistErrorDetails(403, JSON.stringify(licence)).code, 'no_license')
  const other = { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Permission denied on resource project x.' } }
  t.equal(codeAssistErrorDetails(403, JSON.stringify(other)).code, undefined)
})

t.test('models: defaults, GEMINI_CLI_MODELS, and a 404 that lists them', async t => {
  t.same(geminiCliModels(undefined), DEFAULT_GEMINI_CLI_MODELS)
  t.same(geminiCliModels([]), DEFAULT_GEMINI_CLI_MODELS)
  t.same(geminiCliModels(['models/gemini-2.5-pro', ' gemini-2.5-pro ', 'x']), ['gemini-2.5-pro', 'x'])
  t.equal(resolveGeminiCliModel('models/gemini-2.5-flash', DEFAULT_GEMINI_CLI_MODELS), 'gemini-2.5-flash')
  const err = (() => { try { resolveGeminiCliModel('gpt-4o', DEFAULT_GEMINI_CLI_MODELS) } catch (e) { return e } })() as GatewayError
  t.equal(err.status, 404)
  t.equal(err.code, 'model_not_found')
  t.match(err.message, /"gpt-4o" is not served.*gemini-2\.5-pro, gemini-2\.5-flash, gemini-2\.5-flash-lite, gemini-3-pro-preview, gemini-3-flash-preview/)
  const [first] = geminiCliModelList('gemini-cli-oauth', ['gemini-2.5-pro'])
  t.match(first, { id: 'gemini-2.5-pro', provider: 'gemini-cli-oauth', displayName: 'Gemini 2.5 Pro', inputTokenLimit: 1_048_576, thinking: true })
})

const CHUNKS = [
  { response: { candidates: [{ content: { role: 'model', parts: [{ text: 'Thinking…', thought: true }] } }], usageMetadata: { promptTokenCount: 5 }, modelVersion: 'gemini-2.5-pro' }, traceId: 't-1' },
  { response: { candidates: [{ content: { role: 'model', parts: [{ text: 'Hé ✓ ' }] } }], modelVersion: 'gemini-2.5-pro' }, traceId: 't-1' },
  { response: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'c2ln' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 }, modelVersion: 'gemini-2.5-pro' }, traceId: 't-1' }
]
const WIRE = Buffer.from(CHUNKS.map(c => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''), 'utf8')

async function * pieces (buf: Buffer, at: number): AsyncGenerator<Uint8Array> {
  yield buf.subarray(0, at)
  yield buf.subarray(at)
}

async function collect<T> (it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

t.test('passthrough stream: each envelope unwrapped to a plain Gemini SSE message, whatever the split', async t => {
  const expected = CHUNKS.map(c => `data: ${JSON.stringify({ ...c.response, responseId: 't-1' })}\r\n\r\n`).join('')
  for (let at = 0; at <= WIRE.length; at++) {
    const out = Buffer.concat(await collect(unwrapCodeAssistStream(pieces(WIRE, at), 'sse'))).toString('utf8')
    if (out !== expected) { t.fail(`split at ${at}`); return }
  }
  t.pass(`identical output for all ${WIRE.length + 1} split points`)
  const array = Buffer.concat(await collect(unwrapCodeAssistStream(pieces(WIRE, 7), 'json-array'))).toString('utf8')
  t.same(JSON.parse(array), CHUNKS.map(c => ({ ...c.response, responseId: 't-1' })), 'json-array framing without alt=sse')
  const bad = Buffer.concat(await collect(unwrapCodeAssistStream(pieces(Buffer.from('data: {oops\n\n'), 3), 'sse'))).toString('utf8')
  t.match(JSON.parse(bad.slice(6)), { error: { code: 502 } }, 'a chunk that is not JSON becomes a Gemini error chunk')
})

t.test('translated stream: unwrapping then the Gemini decoder gives the same events at every split', async t => {
  const plain = Buffer.from(CHUNKS.map(c => `data: ${JSON.stringify({ ...c.response, responseId: 't-1' })}\r\n\r\n`).join(''), 'utf8')
  const reference = (await collect(decodeSseStream(pieces(plain, 0), createGeminiStreamDecoder(fixedContext())))).flat()
  t.match(reference.map(e => e.type), ['start', 'reasoning_delta', 'text_delta', 'tool_call_start', 'tool_call_delta', 'finish'])
  t.match(reference[0], { type: 'start', id: 't-1', model: 'gemini-2.5-pro' }, 'traceId is the response id')
  for (let at = 0; at <= WIRE.length; at++) {
    const events: StreamEvent[] = (await collect(decodeSseStream(pieces(WIRE, at), createCodeAssistStreamDecoder(fixedContext())))).flat()
    if (JSON.stringify(events) !== JSON.stringify(reference)) { t.fail(`split at ${at}`); return }
  }
  t.pass('identical events for every split point')
})

function fakeApi (answers: Record<string, unknown[]>): CodeAssistApi & { log: Array<[string, unknown]> } {
  const log: Array<[string, unknown]> = []
  const next = (key: string): unknown => {
    const list = answers[key] ?? []
    const value = list.length > 1 ? list.shift() : list[0]
    if (value instanceof Error) throw value
    return value
  }
  return {
    log,
    post: async (method, body) => { log.push([method, body]); return next(method) },
    getOperation: async name => { log.push(['get', name]); return next('get') }
  }
}

const signal = new AbortController().signal
const FREE = { id: 'free-tier', name: 'Gemini Code Assist for individuals', isDefault: true }

t.test('project discovery per gemini-cli setup.ts', async t => {
  const ready = fakeApi({ loadCodeAssist: [{ currentTier: FREE, cloudaicompanionProject: 'p-ready' }] })
  t.same(await discoverProject(ready, { pollIntervalMs: 1 }, signal), { projectId: 'p-ready', tierId: 'free-tier', tierName: FREE.name })
  t.same(ready.log[0], ['loadCodeAssist', { metadata: { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } }])

  const paid = fakeApi({ loadCodeAssist: [{ currentTier: FREE, paidTier: { id: 'g1-pro-tier', name: 'Pro' }, cloudaicompanionProject: 'p' }] })
  t.equal((await discoverProject(paid, { pollIntervalMs: 1 }, signal)).tierId, 'g1-pro-tier')

  const onboarding = fakeApi({
    loadCodeAssist: [{ allowedTiers: [{ id: 'legacy-tier' }, FREE] }],
    onboardUser: [{ name: 'operations/o1', done: false }],
    get: [{ name: 'operations/o1', done: false }, { name: 'operations/o1', done: true, response: { cloudaicompanionProject: { id: 'managed-1', name: 'managed-1' } } }]
  })
  t.same(await discoverProject(onboarding, { pollIntervalMs: 1 }, signal), { projectId: 'managed-1', tierId: 'free-tier', tierName: FREE.name })
  t.same(onboarding.log.map(([m]) => m), ['loadCodeAssist', 'onboardUser', 'get', 'get'], 'the operation is polled until done')
  t.notOk('cloudaicompanionProject' in (onboarding.log[1]?.[1] as object), 'the free tier is onboarded without a project')
  t.equal((onboarding.log[1]?.[1] as { tierId: string }).tierId, 'free-tier')

  const stuck = fakeApi({ loadCodeAssist: [{ allowedTiers: [FREE] }], onboardUser: [{ name: 'operations/o2', done: false }], get: [{ name: 'operations/o2', done: false }] })
  const timeout = await discoverProject(stuck, { pollIntervalMs: 1, maxPolls: 3 }, signal).catch((e: unknown) => e) as GatewayError
  t.equal(timeout.status, 504)
})

t.test('discovery failures tell the user what to do', async t => {
  const fail = async (load: unknown, extra: Record<string, unknown[]> = {}): Promise<GatewayError> =>
    await discoverProject(fakeApi({ loadCodeAssist: [load], ...extra }), { pollIntervalMs: 1 }, signal).then(() => { throw new Error('expected a failure') }, (e: unknown) => e as GatewayError)
  const validation = await fail({ allowedTiers: [FREE], ineligibleTiers: [{ reasonCode: 'VALIDATION_REQUIRED', reasonMessage: 'Verify your account', validationUrl: VALIDATION_URL }] })
  t.equal(validation.status, 403)
  t.equal(validation.code, 'validation_required')
  t.match(validation.message, /Verify your account.*open https:\/\/accounts\.google\.com\/signin\/continue\?validate=fake in a browser/)
  const ineligible = await fail(
    { allowedTiers: [{ id: 'standard-tier', isDefault: true }], ineligibleTiers: [{ reasonCode: 'INELIGIBLE_ACCOUNT', reasonMessage: 'Not eligible for individuals' }] },
    { onboardUser: [{ name: 'operations/x', done: true, response: {} }] }
  )
  t.equal(ineligible.code, 'ineligible_account')
  t.match(ineligible.message, /Not eligible for individuals.*Set PROJECT_ID/)
  const workspace = await fail({ currentTier: { id: 'standard-tier' } })
  t.equal(workspace.code, 'project_required')
  t.match(workspace.message, /set PROJECT_ID/)
})
