import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from './http-fake.js'
import { sendOpenAIError } from './openai-upstream.js'
import { halves, finishOf, pieces, usageOf, type Script } from './script.js'

/**
 * A fake OpenAI Responses API (FORMATS.md §2): POST /v1/responses as one response object or the full event
 * sequence (created, in_progress, reasoning summary, message text, function-call arguments, completed or
 * incomplete), and GET /v1/models, behind a Bearer key.
 */

export const RESPONSES_MODEL = 'gpt-5-2025-08-07'
const RESPONSE_ID = 'resp_fake0123456789'
const CREATED = 1732400000

type Item = Record<string, unknown>

function usage (s: Script): Record<string, unknown> {
  const u = usageOf(s)
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output
  }
}

/** The finished output items, in order: reasoning, message, function calls. */
function outputItems (s: Script): Item[] {
  const items: Item[] = []
  if (s.reasoning !== undefined) {
    items.push({
      id: 'rs_fake1',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: s.reasoning.text }],
      ...(s.reasoning.signature === undefined ? {} : { encrypted_content: s.reasoning.signature })
    })
  }
  if (s.text !== undefined && s.text !== '') {
    items.push({ id: 'msg_fake1', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: s.text }], role: 'assistant' })
  }
  s.toolCalls?.forEach((c, i) => {
    items.push({ id: `fc_fake${i + 1}`, type: 'function_call', status: 'completed', arguments: JSON.stringify(c.args), call_id: c.id, name: c.name })
  })
  return items
}

function envelope (s: Script, status: string, output: Item[], withUsage: boolean): Record<string, unknown> {
  const incomplete = status === 'incomplete'
  return {
    id: RESPONSE_ID,
    object: 'response',
    created_at: CREATED,
    status,
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: s.model ?? RESPONSES_MODEL,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: s.reasoning === undefined ? null : 'medium', summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: withUsage ? usage(s) : null,
    user: null,
    metadata: {}
  }
}

const finalStatus = (s: Script): string => finishOf(s) === 'length' ? 'incomplete' : 'completed'

/** A response object exactly as the Responses API returns it. */
export function responseBody (s: Script): Record<string, unknown> {
  return envelope(s, finalStatus(s), outputItems(s), true)
}

/** The item-scoped events between output_item.added and output_item.done, without sequence numbers. */
function itemEvents (item: Item, output_index: number): Array<Record<string, unknown>> {
  const item_id = item.id
  if (item.type === 'reasoning') {
    const text = (item.summary as Array<{ text: string }>)[0]?.text ?? ''
    const at = { item_id, output_index, summary_index: 0 }
    return [
      { type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } },
      ...pieces(text).map(delta => ({ type: 'response.reasoning_summary_text.delta', ...at, delta })),
      { type: 'response.reasoning_summary_text.done', ...at, text },
      { type: 'response.reasoning_summary_part.done', ...at, part: { type: 'summary_text', text } }
    ]
  }
  if (item.type === 'message') {
    const part = (item.content as Item[])[0] ?? {}
    const text = String(part.text)
    const at = { item_id, output_index, content_index: 0 }
    return [
      { type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
      ...pieces(text).map(delta => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [] })),
      { type: 'response.output_text.done', ...at, text, logprobs: [] },
      { type: 'response.content_part.done', ...at, part }
    ]
  }
  const args = String(item.arguments)
  return [
    ...halves(args).map(delta => ({ type: 'response.function_call_arguments.delta', item_id, output_index, delta })),
    { type: 'response.function_call_arguments.done', item_id, output_index, arguments: args }
  ]
}

/** What output_item.added announces: the item before any content arrived. */
function openedItem (item: Item): Item {
  if (item.type === 'reasoning') return { id: item.id, type: 'reasoning', summary: [] }
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] }
  return { ...item, status: 'in_progress', arguments: '' }
}

/** The SSE events the Responses API sends for the same answer. */
export function responseEvents (s: Script): string[] {
  const items = outputItems(s)
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: envelope(s, 'in_progress', [], false) },
    { type: 'response.in_progress', response: envelope(s, 'in_progress', [], false) }
  ]
  items.forEach((item, output_index) => {
    events.push({ type: 'response.output_item.added', output_index, item: openedItem(item) })
    events.push(...itemEvents(item, output_index))
    events.push({ type: 'response.output_item.done', output_index, item })
  })
  const status = finalStatus(s)
  events.push({ type: `response.${status}`, response: envelope(s, status, items, true) })
  return events.map((e, sequence_number) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number })}\n\n`)
}

export interface FakeResponses extends FakeServer {
  respondWith(s: Script | ((req: RecordedRequest) => Script)): void
  lastResponses(): RecordedRequest | undefined
}

export async function startFakeResponses (opts: { apiKey?: string } = {}): Promise<FakeResponses> {
  const server = await startFakeServer()
  let script: Script | ((req: RecordedRequest) => Script) = { text: 'Hello from Responses.' }
  const authorized = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (opts.apiKey === undefined || req.headers.authorization === `Bearer ${opts.apiKey}`) return true
    sendOpenAIError(res, { status: 401, message: 'Incorrect API key provided' })
    return false
  }
  server.route('POST /v1/responses', async (req, res) => {
    if (!authorized(req, res)) return
    const s = typeof script === 'function' ? script(req) : script
    if (s.error !== undefined) return sendOpenAIError(res, s.error)
    const headers = { 'x-request-id': 'req_fake_responses' }
    if ((req.json as { stream?: boolean } | undefined)?.stream === true) await sendSse(res, responseEvents(s), { headers })
    else sendJson(res, 200, responseBody(s), headers)
  })
  server.route('GET /v1/models', (req, res) => {
    if (authorized(req, res)) sendJson(res, 200, { object: 'list', data: [{ id: RESPONSES_MODEL, object: 'model', created: CREATED, owned_by: 'system' }] })
  })
  return Object.assign(server, {
    respondWith (s: Script | ((req: RecordedRequest) => Script)) { script = s },
    lastResponses: () => [...server.requests].reverse().find(r => r.method === 'POST' && r.url.startsWith('/v1/responses'))
  })
}
