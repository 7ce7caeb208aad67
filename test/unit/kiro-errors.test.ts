import t from 'tap'
import { upstreamHttpError } from '../../plugins/upstream-errors.js'
import { isGatewayError } from '../../plugins/gateway-error.js'
import { isKiroTokenInvalid, kiroErrorDetails, KIRO_ACCOUNT_SUSPENDED } from '../../providers/claude-kiro-oauth/errors.js'
import { contextWindowFor, kiroModelList, resolveKiroModel } from '../../providers/claude-kiro-oauth/models.js'
import { kiroApiUrl, kiroHeaders, kiroMachineId } from '../../providers/claude-kiro-oauth/headers.js'

function errorFor (status: number, body: string): ReturnType<typeof upstreamHttpError> {
  return upstreamHttpError(status, {}, body, undefined, kiroErrorDetails(status, body))
}

t.test('400: validation messages are kept; too-long input is marked', async (t) => {
  const improper = errorFor(400, '{"message":"Improperly formed request.","reason":null}')
  t.match(improper, { status: 400, kind: 'invalid_request', message: 'Improperly formed request.' })
  const typed = errorFor(400, '{"__type":"com.amazon.aws.codewhisperer#ValidationException","message":"Invalid tool name"}')
  t.equal(typed.message, 'Invalid tool name')
  const tooLong = errorFor(400, '{"message":"Input is too long.","reason":"CONTENT_LENGTH_EXCEEDS_THRESHOLD"}')
  t.match(tooLong, { status: 400, code: 'context_length_exceeded', message: 'Input is too long for the model: Input is too long. (CONTENT_LENGTH_EXCEEDS_THRESHOLD)' })
})

t.test('403: an invalid bearer token asks for a refresh; a suspension is final', async (t) => {
  const bearer = errorFor(403, '{"message":"The bearer token included in the request is invalid.","reason":null}')
  t.ok(isKiroTokenInvalid(bearer))
  t.match(bearer, { status: 403, kind: 'authentication', credentialScoped: true })
  const suspended = errorFor(403, '{"message":"Your User ID (x) temporarily is suspended.","reason":"TEMPORARILY_SUSPENDED"}')
  t.match(suspended, { status: 403, kind: 'permission', code: KIRO_ACCOUNT_SUSPENDED, shouldRetry: false })
  t.notOk(isKiroTokenInvalid(suspended))
  t.ok(isKiroTokenInvalid(errorFor(401, '{"message":"Unauthorized"}')), 'any 401 is worth one refresh')
  t.match(errorFor(403, '{"message":"AccessDeniedException"}'), { status: 403, kind: 'permission' })
})

t.test('quota exhaustion is 402 billing whatever the status; throttling is 429', async (t) => {
  t.match(errorFor(402, '{"message":"You have reached the limit.","reason":"MONTHLY_REQUEST_COUNT"}'),
    { status: 402, kind: 'billing', code: 'insufficient_quota', shouldRetry: false, message: 'Kiro quota exhausted: You have reached the limit. (MONTHLY_REQUEST_COUNT)' })
  t.match(errorFor(400, '{"__type":"ServiceQuotaExceededException","message":"x","reason":"OVERAGE_REQUEST_LIMIT_EXCEEDED"}'), { status: 402, kind: 'billing' })
  const throttled = upstreamHttpError(429, { 'retry-after': '7' }, '{"message":"Too many requests, please wait before trying again."}', undefined,
    kiroErrorDetails(429, '{"message":"Too many requests, please wait before trying again."}'))
  t.match(throttled, { status: 429, kind: 'rate_limit', retryAfter: 7, message: 'Kiro rate limit: Too many requests, please wait before trying again.' })
  t.match(errorFor(429, '{"message":"busy","reason":"INSUFFICIENT_MODEL_CAPACITY"}'), { status: 503, kind: 'overloaded' })
  t.match(errorFor(500, '<html>oops</html>'), { status: 500, message: '<html>oops</html>' })
  t.match(errorFor(502, ''), { status: 502, message: 'Kiro returned HTTP 502' })
})

t.test('models: mapping, aliases, user overrides, 404 for unknown names', async (t) => {
  t.match(resolveKiroModel('claude-sonnet-4-5'), { id: 'claude-sonnet-4-5', kiroId: 'claude-sonnet-4.5', adaptiveThinking: false })
  t.equal(resolveKiroModel('claude-sonnet-4-5-20250929').kiroId, 'claude-sonnet-4.5')
  t.equal(resolveKiroModel('claude-haiku-4-5').kiroId, 'claude-haiku-4.5')
  t.equal(resolveKiroModel('claude-opus-4-5').kiroId, 'claude-opus-4.5')
  t.equal(resolveKiroModel('claude-sonnet-4').kiroId, 'claude-sonnet-4')
  t.equal(resolveKiroModel('claude-3-7-sonnet').kiroId, 'CLAUDE_3_7_SONNET_20250219_V1_0')
  t.equal(resolveKiroModel('auto').kiroId, 'auto')
  t.equal(resolveKiroModel('claude-opus-4-6').adaptiveThinking, true)
  t.match(resolveKiroModel('my-opus', { 'my-opus': 'claude-opus-4.6' }), { id: 'my-opus', kiroId: 'claude-opus-4.6', adaptiveThinking: true })
  t.equal(resolveKiroModel('claude-sonnet-4-5', { 'claude-sonnet-4-5': 'claude-sonnet-4' }).kiroId, 'claude-sonnet-4', 'the user table wins')
  try {
    resolveKiroModel('gpt-4o', { 'my-opus': 'claude-opus-4.6' })
    t.fail('expected a 404')
  } catch (err) {
    t.ok(isGatewayError(err) && err.status === 404 && err.code === 'model_not_found')
    t.match(err, { message: /'gpt-4o' is not available through Kiro\. Known models: claude-sonnet-4-5, .*auto, my-opus$/ })
  }
  t.equal(contextWindowFor('claude-sonnet-4.5'), 200_000)
  const list = kiroModelList('claude-kiro-oauth', { 'my-opus': 'claude-opus-4.6' })
  t.same(list.map((m) => m.id), ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'claude-sonnet-4-6', 'claude-opus-4-6', 'claude-sonnet-4', 'claude-3-7-sonnet', 'auto', 'my-opus'])
  t.match(list[0], { provider: 'claude-kiro-oauth', ownedBy: 'kiro', inputTokenLimit: 200_000 })
})

t.test('headers and endpoint', async (t) => {
  const machine = kiroMachineId('arn:aws:codewhisperer:us-east-1:1:profile/X')
  t.match(machine, /^[0-9a-f]{64}$/)
  t.same(kiroHeaders('tok', machine, { invocationId: 'inv-1', os: 'linux', nodeVersion: '20.19.0', kiroVersion: '0.12.1' }), {
    authorization: 'Bearer tok',
    'content-type': 'application/json',
    accept: 'application/json',
    'amz-sdk-invocation-id': 'inv-1',
    'amz-sdk-request': 'attempt=1; max=1',
    'x-amzn-kiro-agent-mode': 'vibe',
    'x-amzn-codewhisperer-optout': 'true',
    'user-agent': `aws-sdk-js/1.0.27 ua/2.1 os/linux lang/js md/nodejs#20.19.0 api/codewhispererstreaming#1.0.27 m/E KiroIDE-0.12.1-${machine}`,
    'x-amz-user-agent': `aws-sdk-js/1.0.27 KiroIDE-0.12.1-${machine}`
  })
  const cli = kiroHeaders('ksk_x', machine, { style: 'cli', apiKey: true })
  t.equal(cli['content-type'], 'application/x-amz-json-1.0')
  t.equal(cli['x-amz-target'], 'AmazonCodeWhispererStreamingService.GenerateAssistantResponse')
  t.equal(cli.tokentype, 'API_KEY')
  t.match(kiroHeaders('a', machine)['amz-sdk-invocation-id'], /^[0-9a-f-]{36}$/)
  t.equal(kiroApiUrl('eu-central-1'), 'https://q.eu-central-1.amazonaws.com/generateAssistantResponse')
  t.equal(kiroApiUrl('us-east-1', 'cli'), 'https://q.us-east-1.amazonaws.com/')
  t.equal(kiroApiUrl('us-east-1', 'ide', 'http://127.0.0.1:9/{{region}}/x'), 'http://127.0.0.1:9/us-east-1/x')
})
