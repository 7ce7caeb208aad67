import t from 'tap'
import { GatewayError, internalError, invalidRequest } from '../../plugins/gateway-error.js'
import { ClientAbortError, classifyTransportError, upstreamHttpError } from '../../plugins/upstream-errors.js'
import { backoffDelay, isCredentialScoped, isRetryable, retryAfterMs } from '../../plugins/pool/retry-policy.js'

t.test('backoffDelay: full jitter under an exponential ceiling', async t => {
  const top = (): number => 0.999999
  t.same([0, 1, 2, 3, 4, 5, 10].map(a => backoffDelay(a, 250, 4000, top)), [249, 499, 999, 1999, 3999, 3999, 3999])
  t.equal(backoffDelay(3, 250, 4000, () => 0), 0, 'the floor of the range is 0')
  t.equal(backoffDelay(2, 250, 4000, () => 0.5), 500)
  t.equal(backoffDelay(-1, 250, 4000, top), 249, 'a negative attempt counts as the first')
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(4, 100, 1000)
    if (d < 0 || d >= 1000 || !Number.isInteger(d)) t.fail(`out of range: ${d}`)
  }
})

const http = (status: number, headers: Record<string, string> = {}): GatewayError => upstreamHttpError(status, headers, '{"error":{}}', 'openai')

t.test('isRetryable and isCredentialScoped over real upstream failures', async t => {
  const table: Array<[string, unknown, boolean, boolean]> = [
    ['400', http(400), false, false],
    ['404', http(404), false, false],
    ['413', http(413), false, false],
    ['401', http(401), true, true],
    ['402', http(402), true, true],
    ['403', http(403), true, true],
    ['429', http(429, { 'retry-after': '3' }), true, true],
    ['500', http(500), true, false],
    ['502', http(502), true, false],
    ['503', http(503), true, false],
    ['504', http(504), true, false],
    ['529', http(529), true, false],
    ['reset', classifyTransportError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), true, false],
    ['timeout', classifyTransportError(Object.assign(new Error('headers'), { code: 'UND_ERR_HEADERS_TIMEOUT' })), true, false],
    ['gemini bad key (400 mapped to authentication)', upstreamHttpError(400, {}, '{}', 'gemini', { kind: 'authentication' }), true, true],
    ['kiro quota (billing, no retry)', upstreamHttpError(402, {}, '{}', undefined, { kind: 'billing', shouldRetry: false }), false, true],
    ['our invalid request', invalidRequest('bad', 'messages'), false, false],
    ['our bug', internalError('boom'), false, false],
    ['client abort', new ClientAbortError(), false, false],
    ['plain error', new Error('x'), false, false],
    ['not an error', 'oops', false, false]
  ]
  for (const [name, err, retryable, credential] of table) {
    t.equal(isRetryable(err), retryable, `${name}: retryable ${String(retryable)}`)
    t.equal(isCredentialScoped(err), credential, `${name}: credential-scoped ${String(credential)}`)
  }
})

t.test('retryAfterMs reads the GatewayError hint', async t => {
  t.equal(retryAfterMs(http(429, { 'retry-after': '7' })), 7000)
  t.equal(retryAfterMs(http(429, { 'retry-after-ms': '1500' })), 2000, 'rounded up to whole seconds upstream')
  t.equal(retryAfterMs(http(500)), undefined)
  t.equal(retryAfterMs(new Error('x')), undefined)
})
