import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from '../fakes/http-fake.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-upstream.js'

// The model Codex talks to, scripted: on the first turn it calls whatever shell tool Codex declared, to run
// `cat answer.txt`; once the command's output comes back it answers with the number, if the output holds it.

type Json = Record<string, unknown>
const asArray = (v: unknown): unknown[] => Array.isArray(v) ? v : []
const asObject = (v: unknown): Json => typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {}

export const COMMAND = 'cat answer.txt'

export interface ShellCall { name: string, args: Json }

/**
 * A call to the request's shell tool in the argument shape it declares: Codex 0.16x declares `exec_command`
 * ({cmd: string}); older releases declared `shell` ({command: string[]}). Works on Chat and Responses tool lists.
 */
export function shellCall (tools: unknown): ShellCall | undefined {
  for (const raw of asArray(tools)) {
    const tool = asObject(raw)
    const fn = asObject(tool.function)
    const name = typeof tool.name === 'string' ? tool.name : fn.name
    const props = asObject(asObject(tool.parameters ?? fn.parameters).properties)
    if (typeof name !== 'string') continue
    if (asObject(props.cmd).type === 'string') return { name, args: { cmd: COMMAND } }
    if (asObject(props.command).type === 'array') return { name, args: { command: ['bash', '-lc', COMMAND] } }
    if (asObject(props.command).type === 'string') return { name, args: { command: COMMAND } }
  }
  return undefined
}

/** The final answer, given the tool output the request carried back. */
export function finalText (toolOutput: string, secret: string): string {
  return toolOutput.includes(secret) ? `The number in answer.txt is ${secret}.` : 'The command did not print the number.'
}

const textOf = (v: unknown): string => typeof v === 'string' ? v : asArray(v).map(p => String(asObject(p).text ?? '')).join('')

/** The tool output in a Chat Completions request (its last message, when that is a tool message). */
export function chatToolOutput (body: unknown): string | undefined {
  const last = asObject(asArray(asObject(body).messages).at(-1))
  return last.role === 'tool' ? textOf(last.content) : undefined
}

/** The tool output in a Responses request (its function_call_output items). */
export function responsesToolOutput (body: unknown): string | undefined {
  const outputs = asArray(asObject(body).input).map(asObject).filter(i => i.type === 'function_call_output')
  return outputs.length === 0 ? undefined : outputs.map(o => textOf(o.output)).join('\n')
}

/** openai-custom's upstream: the Chat Completions fake, scripted. */
export async function startScriptedChat (secret: string): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI()
  fake.respondWith(req => {
    const output = chatToolOutput(req.json)
    if (output !== undefined) return { content: finalText(output, secret) }
    const call = shellCall(asObject(req.json).tools)
    if (call === undefined) return { content: 'No shell tool was offered.' }
    return { content: null, toolCalls: [{ id: 'call_cat1', name: call.name, arguments: JSON.stringify(call.args) }] }
  })
  return fake
}

const RESPONSE_CREATED = 1732400000

function envelope (id: string, model: string, status: string, output: Json[]): Json {
  const usage = status === 'completed'
    ? { input_tokens: 120, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 129 }
    : null
  return { id, object: 'response', created_at: RESPONSE_CREATED, status, error: null, incomplete_details: null, instructions: null, model, output, parallel_tool_calls: true, store: false, tool_choice: 'auto', tools: [], usage, metadata: {} }
}

/** The item-scoped events of one output item, between output_item.added and output_item.done (FORMATS.md §2). */
function itemEvents (item: Json): Json[] {
  const at = { item_id: item.id, output_index: 0 }
  if (item.type === 'function_call') {
    return [
      { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } },
      { type: 'response.function_call_arguments.delta', ...at, delta: item.arguments },
      { type: 'response.function_call_arguments.done', ...at, arguments: item.arguments }
    ]
  }
  const part = asObject(asArray(item.content)[0])
  return [
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', ...at, content_index: 0, part: { ...part, text: '' } },
    { type: 'response.output_text.delta', ...at, content_index: 0, delta: part.text, logprobs: [] },
    { type: 'response.output_text.done', ...at, content_index: 0, text: part.text, logprobs: [] },
    { type: 'response.content_part.done', ...at, content_index: 0, part }
  ]
}

/** The Responses stream for one output item, as the Responses API sends it. */
export function responsesFrames (n: number, model: string, item: Json): string[] {
  const id = `resp_codex${n}`
  const events: Json[] = [
    { type: 'response.created', response: envelope(id, model, 'in_progress', []) },
    { type: 'response.in_progress', response: envelope(id, model, 'in_progress', []) },
    ...itemEvents(item),
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: envelope(id, model, 'completed', [item]) }
  ]
  return events.map((e, sequence_number) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number })}\n\n`)
}

/** openaiResponses-custom's upstream: POST /v1/responses (streamed, which is all Codex asks for), scripted, and GET /v1/models. */
export async function startScriptedResponses (secret: string): Promise<FakeServer> {
  const fake = await startFakeServer()
  fake.route('POST /v1/responses', async (req: RecordedRequest, res) => {
    const body = asObject(req.json)
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o'
    const output = responsesToolOutput(body)
    const call = output === undefined ? shellCall(body.tools) : undefined
    const n = fake.requests.length
    const item: Json = call === undefined
      ? { id: `msg_codex${n}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: output === undefined ? 'No shell tool was offered.' : finalText(output, secret), annotations: [], logprobs: [] }] }
      : { id: `fc_codex${n}`, type: 'function_call', status: 'completed', call_id: `call_cat${n}`, name: call.name, arguments: JSON.stringify(call.args) }
    await sendSse(res, responsesFrames(n, model, item), { headers: { 'x-request-id': `req_codex${n}` } })
  })
  fake.route('GET /v1/models', (_req, res) => {
    sendJson(res, 200, { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' }] })
  })
  return fake
}
