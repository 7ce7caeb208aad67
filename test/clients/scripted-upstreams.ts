import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from '../fakes/http-fake.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'

// Minimal scripted upstreams for the real-client tests: an agent loop needs one answer per turn (a tool call first,
// a final text once the tool result comes back), in each protocol's own wire format.

export type Protocol = 'openai' | 'anthropic' | 'gemini'

/** What the upstream answers on one turn. */
export interface Turn { toolCall?: { name: string, args: Record<string, unknown> }, text?: string }

/** Decides a turn from the latest tool result in the request (undefined: none) and whether tools were offered. */
export type AgentScript = (toolResult: string | undefined, toolsOffered: boolean) => Turn

type Json = Record<string, unknown>
const asArray = (v: unknown): unknown[] => Array.isArray(v) ? v : []
const asObject = (v: unknown): Json => typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {}

function textOf (content: unknown): string {
  if (typeof content === 'string') return content
  return asArray(content).map(p => { const o = asObject(p); return typeof o.text === 'string' ? o.text : JSON.stringify(o) }).join('')
}

/** The tool result carried by the request's last message, if that message carries one. */
export function lastToolResult (protocol: Protocol, body: unknown): string | undefined {
  const b = asObject(body)
  if (protocol === 'openai') {
    const last = asObject(asArray(b.messages).at(-1))
    return last.role === 'tool' ? textOf(last.content) : undefined
  }
  if (protocol === 'anthropic') {
    const blocks = asArray(asObject(asArray(b.messages).at(-1)).content).map(asObject).filter(x => x.type === 'tool_result')
    return blocks.length === 0 ? undefined : blocks.map(x => textOf(x.content)).join('\n')
  }
  const parts = asArray(asObject(asArray(b.contents).at(-1)).parts).map(asObject).filter(p => p.functionResponse !== undefined)
  return parts.length === 0 ? undefined : parts.map(p => JSON.stringify(p.functionResponse)).join('\n')
}

function toolsOffered (body: unknown): boolean {
  const b = asObject(body)
  return asArray(b.tools).length > 0
}

const turnFor = (protocol: Protocol, req: RecordedRequest, script: AgentScript): Turn =>
  script(lastToolResult(protocol, req.json), toolsOffered(req.json))

/** OpenAI-compatible: the existing fake, scripted. */
export async function startScriptedOpenAI (script: AgentScript): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI()
  fake.respondWith(req => {
    const turn = turnFor('openai', req, script)
    return turn.toolCall === undefined
      ? { content: turn.text ?? '' }
      : { toolCalls: [{ id: `call_${fake.requests.length}`, name: turn.toolCall.name, arguments: JSON.stringify(turn.toolCall.args) }] }
  })
  return fake
}

function anthropicFrames (turn: Turn, model: string, id: string): string[] {
  const event = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
  const usage = { input_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }
  const frames = [event('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } })]
  if (turn.toolCall === undefined) {
    frames.push(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }))
    frames.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: turn.text ?? '' } }))
  } else {
    frames.push(event('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_${id}`, name: turn.toolCall.name, input: {} } }))
    frames.push(event('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.toolCall.args) } }))
  }
  frames.push(event('content_block_stop', { index: 0 }))
  frames.push(event('message_delta', { delta: { stop_reason: turn.toolCall === undefined ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } }))
  frames.push(event('message_stop', {}))
  return frames
}

function anthropicMessage (turn: Turn, model: string, id: string): Json {
  const content = turn.toolCall === undefined
    ? [{ type: 'text', text: turn.text ?? '' }]
    : [{ type: 'tool_use', id: `toolu_${id}`, name: turn.toolCall.name, input: turn.toolCall.args }]
  return { id, type: 'message', role: 'assistant', model, content, stop_reason: turn.toolCall === undefined ? 'end_turn' : 'tool_use', stop_sequence: null, usage: { input_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 12 } }
}

/** Anthropic Messages: POST /v1/messages, stream or not. */
export async function startScriptedAnthropic (script: AgentScript): Promise<FakeServer> {
  const fake = await startFakeServer()
  fake.route('POST /v1/messages', async (req, res) => {
    const body = asObject(req.json)
    const model = typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5'
    const id = `msg_${String(fake.requests.length).padStart(4, '0')}`
    const turn = turnFor('anthropic', req, script)
    if (body.stream === true) await sendSse(res, anthropicFrames(turn, model, id), { headers: { 'request-id': `req_${id}` } })
    else sendJson(res, 200, anthropicMessage(turn, model, id), { 'request-id': `req_${id}` })
  })
  fake.route('POST /v1/messages/count_tokens', (_req, res) => { sendJson(res, 200, { input_tokens: 50 }) })
  return fake
}

function geminiChunk (turn: Turn, model: string): Json {
  const part = turn.toolCall === undefined ? { text: turn.text ?? '' } : { functionCall: { name: turn.toolCall.name, args: turn.toolCall.args } }
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 50, candidatesTokenCount: 12, totalTokenCount: 62 },
    modelVersion: model,
    responseId: 'resp-fake-1'
  }
}

/** Gemini API: POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse. */
export async function startScriptedGemini (script: AgentScript): Promise<FakeServer> {
  const fake = await startFakeServer()
  fake.route('POST /v1beta/models/*', async (req, res: ServerResponse) => {
    const target = decodeURIComponent(req.url.split('?')[0] ?? '').replace('/v1beta/models/', '')
    const [model = 'gemini-2.5-flash', method] = target.split(':')
    const chunk = geminiChunk(turnFor('gemini', req, script), model)
    if (method === 'streamGenerateContent') await sendSse(res, [`data: ${JSON.stringify(chunk)}\r\n\r\n`])
    else if (method === 'countTokens') sendJson(res, 200, { totalTokens: 50 })
    else sendJson(res, 200, chunk)
  })
  return fake
}
