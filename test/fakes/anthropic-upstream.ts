import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from './http-fake.js'
import { halves, finishOf, pieces, usageOf, type Script, type ScriptError } from './script.js'

/**
 * A fake Anthropic Messages API (FORMATS.md §3): POST /v1/messages as JSON or the full SSE event sequence (thinking
 * with signature_delta, tool_use with input_json_delta fragments, message_delta usage), count_tokens and
 * GET /v1/models. It checks x-api-key and anthropic-version like the real API.
 */

export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929'
const MESSAGE_ID = 'msg_01FakeUpstream'

const STOP_REASONS = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error'
}

function anthropicUsage (s: Script): Record<string, unknown> {
  const u = usageOf(s)
  const cached = u.cached ?? 0
  return { input_tokens: u.input - cached, cache_creation_input_tokens: 0, cache_read_input_tokens: cached, output_tokens: u.output, service_tier: 'standard' }
}

function blocks (s: Script): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  if (s.reasoning !== undefined) out.push({ type: 'thinking', thinking: s.reasoning.text, signature: s.reasoning.signature ?? '' })
  if (s.text !== undefined && s.text !== '') out.push({ type: 'text', text: s.text })
  for (const c of s.toolCalls ?? []) out.push({ type: 'tool_use', id: c.id, name: c.name, input: c.args })
  return out
}

/** A Messages response body exactly as Anthropic returns it. */
export function messageBody (s: Script): Record<string, unknown> {
  return {
    id: MESSAGE_ID,
    type: 'message',
    role: 'assistant',
    model: s.model ?? ANTHROPIC_MODEL,
    content: blocks(s),
    stop_reason: STOP_REASONS[finishOf(s)],
    stop_sequence: null,
    usage: anthropicUsage(s)
  }
}

function sse (type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
}

/** The deltas of one content block, as the API streams them. */
function blockDeltas (block: Record<string, unknown>, s: Script): Array<Record<string, unknown>> {
  if (block.type === 'thinking') {
    const deltas: Array<Record<string, unknown>> = pieces(String(block.thinking)).map(thinking => ({ type: 'thinking_delta', thinking }))
    if (s.reasoning?.signature !== undefined) deltas.push({ type: 'signature_delta', signature: s.reasoning.signature })
    return deltas
  }
  if (block.type === 'text') return pieces(String(block.text)).map(text => ({ type: 'text_delta', text }))
  const call = s.toolCalls?.find(c => c.id === block.id)
  // The API opens every tool input with an empty fragment.
  return ['', ...(call === undefined ? [] : halves(JSON.stringify(call.args)))].map(partial => ({ type: 'input_json_delta', partial_json: partial }))
}

function blockStart (block: Record<string, unknown>): Record<string, unknown> {
  if (block.type === 'thinking') return { type: 'thinking', thinking: '', signature: '' }
  if (block.type === 'text') return { type: 'text', text: '' }
  return { ...block, input: {} }
}

/** The SSE frames Anthropic sends for the same message. */
export function messageEvents (s: Script): string[] {
  const usage = anthropicUsage(s)
  const frames = [sse('message_start', {
    message: { ...messageBody(s), content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } }
  })]
  blocks(s).forEach((block, index) => {
    frames.push(sse('content_block_start', { index, content_block: blockStart(block) }))
    if (index === 0) frames.push(sse('ping', {}))
    for (const delta of blockDeltas(block, s)) frames.push(sse('content_block_delta', { index, delta }))
    frames.push(sse('content_block_stop', { index }))
  })
  const { service_tier: _tier, ...totals } = usage
  frames.push(sse('message_delta', { delta: { stop_reason: STOP_REASONS[finishOf(s)], stop_sequence: null }, usage: totals }))
  frames.push(sse('message_stop', {}))
  return frames
}

export function sendAnthropicError (res: ServerResponse, e: ScriptError): void {
  sendJson(res, e.status, { type: 'error', error: { type: ERROR_TYPES[e.status] ?? 'api_error', message: e.message }, request_id: 'req_fake_error' }, { 'request-id': 'req_fake_error', ...e.headers })
}

export interface FakeAnthropic extends FakeServer {
  respondWith(s: Script | ((req: RecordedRequest) => Script)): void
  /** The last POST /v1/messages request. */
  lastMessages(): RecordedRequest | undefined
}

/** Rough count like a tokenizer would give: one token per four characters of the JSON body. */
function countTokens (body: unknown): number {
  const { model: _m, ...rest } = (body ?? {}) as Record<string, unknown>
  return Math.max(1, Math.ceil(JSON.stringify(rest).length / 4))
}

export async function startFakeAnthropic (opts: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const server = await startFakeServer()
  let script: Script | ((req: RecordedRequest) => Script) = { text: 'Hello from Claude.' }
  const checked = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (opts.apiKey !== undefined && req.headers['x-api-key'] !== opts.apiKey) {
      sendAnthropicError(res, { status: 401, message: 'invalid x-api-key' })
      return false
    }
    if (typeof req.headers['anthropic-version'] !== 'string') {
      sendAnthropicError(res, { status: 400, message: 'anthropic-version: header is required' })
      return false
    }
    return true
  }
  server.route('POST /v1/messages', async (req, res) => {
    if (!checked(req, res)) return
    const s = typeof script === 'function' ? script(req) : script
    if (s.error !== undefined) return sendAnthropicError(res, s.error)
    const headers = { 'request-id': 'req_fake_upstream' }
    if ((req.json as { stream?: boolean } | undefined)?.stream === true) await sendSse(res, messageEvents(s), { headers })
    else sendJson(res, 200, messageBody(s), headers)
  })
  server.route('POST /v1/messages/count_tokens', (req, res) => {
    if (checked(req, res)) sendJson(res, 200, { input_tokens: countTokens(req.json) })
  })
  server.route('GET /v1/models', (req, res) => {
    if (!checked(req, res)) return
    const data = [{ type: 'model', id: ANTHROPIC_MODEL, display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }]
    sendJson(res, 200, { data, has_more: false, first_id: ANTHROPIC_MODEL, last_id: ANTHROPIC_MODEL })
  })
  return Object.assign(server, {
    respondWith (s: Script | ((req: RecordedRequest) => Script)) { script = s },
    lastMessages: () => [...server.requests].reverse().find(r => r.method === 'POST' && r.url.split('?')[0] === '/v1/messages')
  })
}
