import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from './http-fake.js'
import { finishOf, halves, usageOf as scriptUsage, type Script, type ScriptError } from './script.js'

export interface FakeToolCall { id: string, name: string, arguments: string }

export interface FakeCompletion {
  content?: string | null
  reasoning?: string
  toolCalls?: FakeToolCall[]
  finishReason?: string
  model?: string
  usage?: { prompt_tokens: number, completion_tokens: number, cached?: number, reasoning?: number }
  /** Answer with this HTTP error (OpenAI's error body) instead. */
  error?: ScriptError
}

/** The protocol-neutral script as an OpenAI completion (reasoning as `reasoning_content`; signatures have no slot). */
export function completionFromScript (s: Script): FakeCompletion {
  const u = scriptUsage(s)
  return {
    content: s.text ?? null,
    ...(s.reasoning === undefined ? {} : { reasoning: s.reasoning.text }),
    ...(s.toolCalls === undefined ? {} : { toolCalls: s.toolCalls.map(c => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.args) })) }),
    finishReason: finishOf(s),
    ...(s.model === undefined ? {} : { model: s.model }),
    usage: { prompt_tokens: u.input, completion_tokens: u.output, ...(u.cached === undefined ? {} : { cached: u.cached }), ...(u.reasoning === undefined ? {} : { reasoning: u.reasoning }) },
    ...(s.error === undefined ? {} : { error: s.error })
  }
}

const OPENAI_ERROR_TYPES: Record<number, [string, string | null]> = {
  400: ['invalid_request_error', null],
  401: ['invalid_request_error', 'invalid_api_key'],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['requests', 'rate_limit_exceeded'],
  500: ['server_error', null],
  503: ['server_error', null]
}

/** An error body as OpenAI sends it (chat and Responses share it). */
export function sendOpenAIError (res: ServerResponse, e: ScriptError): void {
  const [type, code] = OPENAI_ERROR_TYPES[e.status] ?? ['server_error', null]
  sendJson(res, e.status, { error: { message: e.message, type, param: null, code } }, e.headers)
}

const CREATED = 1732400000

function usageOf (c: FakeCompletion): Record<string, unknown> {
  const u = c.usage ?? { prompt_tokens: 12, completion_tokens: 5 }
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 }
  }
}

/** A chat.completion body exactly as OpenAI returns it. */
export function completionBody (c: FakeCompletion): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: c.content ?? null, refusal: null, annotations: [] }
  if (c.reasoning !== undefined) message.reasoning_content = c.reasoning
  if (c.toolCalls !== undefined) message.tool_calls = c.toolCalls.map(t => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }))
  return {
    id: 'chatcmpl-fake123',
    object: 'chat.completion',
    created: CREATED,
    model: c.model ?? 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message, logprobs: null, finish_reason: c.finishReason ?? (c.toolCalls !== undefined ? 'tool_calls' : 'stop') }],
    usage: usageOf(c),
    service_tier: 'default',
    system_fingerprint: 'fp_fake'
  }
}

/** The SSE frames OpenAI sends for the same completion (text in small deltas, tool calls with fragmented args). */
export function completionFrames (c: FakeCompletion, opts: { includeUsage?: boolean, textChunks?: number } = {}): string[] {
  const base = { id: 'chatcmpl-fake123', object: 'chat.completion.chunk', created: CREATED, model: c.model ?? 'gpt-4o-2024-08-06', service_tier: 'default', system_fingerprint: 'fp_fake' }
  const usageNull = opts.includeUsage === true ? { usage: null } : {}
  const frame = (choice: Record<string, unknown>): string => `data: ${JSON.stringify({ ...base, choices: [choice], ...usageNull })}\n\n`
  const frames = [frame({ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null })]
  if (c.reasoning !== undefined) frames.push(frame({ index: 0, delta: { reasoning_content: c.reasoning }, logprobs: null, finish_reason: null }))
  const text = c.content ?? ''
  const pieces = Math.max(1, opts.textChunks ?? 3)
  const size = Math.ceil(text.length / pieces)
  for (let i = 0; i < text.length; i += size) frames.push(frame({ index: 0, delta: { content: text.slice(i, i + size) }, logprobs: null, finish_reason: null }))
  c.toolCalls?.forEach((t, index) => {
    frames.push(frame({ index: 0, delta: { tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, logprobs: null, finish_reason: null }))
    for (const part of halves(t.arguments)) {
      frames.push(frame({ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, logprobs: null, finish_reason: null }))
    }
  })
  frames.push(frame({ index: 0, delta: {}, logprobs: null, finish_reason: c.finishReason ?? (c.toolCalls !== undefined ? 'tool_calls' : 'stop') }))
  if (opts.includeUsage === true) frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(c) })}\n\n`)
  frames.push('data: [DONE]\n\n')
  return frames
}

export interface FakeOpenAI extends FakeServer {
  /** Sets what the next chat requests get (stream or not, decided by the request). */
  respondWith(c: FakeCompletion | ((req: RecordedRequest) => FakeCompletion)): void
  lastChat(): RecordedRequest | undefined
}

function lastUserText (json: unknown): string {
  const messages = (json as { messages?: Array<{ role: string, content: unknown }> } | undefined)?.messages ?? []
  const user = [...messages].reverse().find(m => m.role === 'user')
  if (typeof user?.content === 'string') return user.content
  if (Array.isArray(user?.content)) return user.content.map((p: { text?: string }) => p.text ?? '').join('')
  return ''
}

/** A fake OpenAI-compatible upstream: /v1/chat/completions (echoes by default) and /v1/models. */
export async function startFakeOpenAI (opts: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  const server = await startFakeServer()
  let script: FakeCompletion | ((req: RecordedRequest) => FakeCompletion) = req => ({ content: `echo: ${lastUserText(req.json)}` })
  const authorized = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (opts.apiKey === undefined || req.headers.authorization === `Bearer ${opts.apiKey}`) return true
    sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
    return false
  }
  server.route('POST /v1/chat/completions', async (req, res) => {
    if (!authorized(req, res)) return
    const c = typeof script === 'function' ? script(req) : script
    if (c.error !== undefined) return sendOpenAIError(res, c.error)
    const body = req.json as { stream?: boolean, stream_options?: { include_usage?: boolean } }
    if (body.stream === true) await sendSse(res, completionFrames(c, { includeUsage: body.stream_options?.include_usage === true }))
    else sendJson(res, 200, completionBody(c), { 'x-request-id': 'req_upstream_1' })
  })
  server.route('GET /v1/models', (req, res) => {
    if (!authorized(req, res)) return
    sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' }, { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] })
  })
  return Object.assign(server, {
    respondWith (c: FakeCompletion | ((req: RecordedRequest) => FakeCompletion)) { script = c },
    lastChat: () => [...server.requests].reverse().find(r => r.url.startsWith('/v1/chat/completions'))
  })
}
