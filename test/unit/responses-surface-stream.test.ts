import t, { type Test } from 'tap'
import OpenAI from 'openai'
import type { ChatRequest, StreamEvent } from '../../schemas/canonical.js'
import type { ResponsesRequest } from '../../schemas/openai/responses-request.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { createResponsesStreamEncoder, responsesCodec } from '../../routes/responses/codec/index.js'
import { fixedContext, toSseText } from './responses-fixtures.js'

interface Encoded { sse: string, req: ChatRequest, responseId: string }

function encode (events: StreamEvent[], body: Partial<ResponsesRequest> = {}, error?: GatewayError): Encoded {
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest({ model: 'gpt-4.1', input: 'hi', stream: true, ...body }, ctx)
  const enc = createResponsesStreamEncoder(req, ctx)
  const messages = events.flatMap(e => enc.encode(e))
  messages.push(...(error === undefined ? enc.end() : enc.error(error)))
  t.same(enc.end(), [], 'nothing after the stream ended')
  t.same(enc.encode({ type: 'text_delta', text: 'late' }), [])
  return { sse: toSseText(messages), req, responseId: enc.responseId }
}

interface Frame { event: string, data: Record<string, unknown> }

function frames (sse: string): Frame[] {
  return sse.split('\n\n').filter(b => b !== '').map(block => {
    const [eventLine, dataLine, ...rest] = block.split('\n')
    if (rest.length > 0 || eventLine?.startsWith('event: ') !== true || dataLine?.startsWith('data: ') !== true) throw new Error(`bad frame ${block}`)
    return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) as Record<string, unknown> }
  })
}

/** The rules of FORMATS.md §2 that hold for every stream, whatever the SDK happens to check. */
function checkInvariants (t: Test, sse: string): Frame[] {
  const list = frames(sse)
  t.equal(list[0]?.event, 'response.created')
  const ids = new Set<unknown>()
  const itemIds = new Map<number, unknown>()
  list.forEach((f, i) => {
    t.equal(f.data.type, f.event, 'the event line names the data type')
    t.equal(f.data.sequence_number, i, 'sequence numbers count up from 0')
    const response = f.data.response as { id?: unknown } | undefined
    if (response !== undefined) ids.add(response.id)
    if (f.event === 'response.output_item.added') {
      const index = f.data.output_index as number
      t.notOk(itemIds.has(index), 'each output index is added once')
      itemIds.set(index, (f.data.item as { id: unknown }).id)
    } else if (typeof f.data.output_index === 'number') {
      t.ok(itemIds.has(f.data.output_index), `${f.event} uses an added output index`)
      if (f.data.item_id !== undefined) t.equal(f.data.item_id, itemIds.get(f.data.output_index), 'item_id matches the item')
    }
  })
  t.equal(ids.size, 1, 'one response id throughout')
  t.equal(new Set(itemIds.values()).size, itemIds.size, 'item ids are unique')
  return list
}

function client (sse: string, chunk = 17): OpenAI {
  const bytes = new TextEncoder().encode(sse)
  return new OpenAI({
    apiKey: 'x',
    baseURL: 'http://127.0.0.1:1/v1',
    maxRetries: 0,
    fetch: async () => new Response(new ReadableStream<Uint8Array>({
      start (controller) {
        for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.subarray(i, i + chunk))
        controller.close()
      }
    }), { headers: { 'content-type': 'text/event-stream' } })
  })
}

t.test('text: the exact event sequence, and the SDK rebuilds the response', async t => {
  const { sse, responseId } = encode([
    { type: 'start', id: 'chatcmpl-1', model: 'gpt-4.1-2025-04-14' },
    { type: 'text_delta', text: 'Hel' },
    { type: 'text_delta', text: 'lo ✓' },
    { type: 'finish', reason: 'stop' },
    { type: 'usage', usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 4 } }
  ])
  const list = checkInvariants(t, sse)
  t.same(list.map(f => f.event), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done',
    'response.output_item.done', 'response.completed'
  ])
  t.ok(sse.includes('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo ✓","logprobs":[]}\n\n'))
  t.ok(sse.includes('event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"type":"message","id":"msg_1","role":"assistant","status":"in_progress","content":[]}}\n\n'))
  const created = list[0]?.data.response as Record<string, unknown>
  t.match(created, { id: 'resp_1', status: 'in_progress', output: [], usage: null, model: 'gpt-4.1-2025-04-14' })
  t.equal(responseId, 'resp_1')

  const stream = client(sse).responses.stream({ model: 'gpt-4.1', input: 'hi' })
  const deltas: string[] = []
  stream.on('response.output_text.delta', e => deltas.push(e.snapshot))
  const final = await stream.finalResponse()
  t.same(deltas, ['Hel', 'Hello ✓'])
  t.equal(final.output_text, 'Hello ✓')
  t.equal(final.id, 'resp_1')
  t.equal(final.status, 'completed')
  t.same(final.usage, { input_tokens: 12, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 })
  t.match(final.output, [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello ✓' }] }])
})

t.test('reasoning summary and encrypted content, then text', async t => {
  const events: StreamEvent[] = [
    { type: 'start', id: 'x', model: 'o4-mini' },
    { type: 'reasoning_delta', text: 'Think ' },
    { type: 'reasoning_delta', text: 'hard.' },
    { type: 'reasoning_signature', signature: 'gAAAAABenc', source: 'openai' },
    { type: 'text_delta', text: '42' },
    { type: 'finish', reason: 'stop', usage: { inputTokens: 10, outputTokens: 50, reasoningTokens: 40 } }
  ]
  const withInclude = encode(events, { include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium', summary: 'auto' } })
  const list = checkInvariants(t, withInclude.sse)
  t.same(list.slice(2, 9).map(f => f.event), [
    'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done',
    'response.output_item.done'
  ])
  const stream = client(withInclude.sse).responses.stream({ model: 'o4-mini', input: 'hi' })
  const summaries: string[] = []
  stream.on('response.reasoning_summary_text.delta', e => summaries.push(e.delta))
  const final = await stream.finalResponse()
  t.same(summaries, ['Think ', 'hard.'])
  t.same(final.output[0], { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think hard.' }], encrypted_content: 'gAAAAABenc' })
  t.equal(final.output_text, '42')
  t.same(final.reasoning, { effort: 'medium', summary: 'auto' })
  t.equal(final.usage?.output_tokens_details.reasoning_tokens, 40)

  const without = await client(encode(events).sse).responses.stream({ model: 'o4-mini', input: 'hi' }).finalResponse()
  t.same(without.output[0], { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think hard.' }] }, 'no encrypted content unless included')
})

t.test("another vendor's signatures are tagged; a Gemini call signature rides on a reasoning item", async t => {
  const { sse } = encode([
    { type: 'start', id: 'x', model: 'claude' },
    { type: 'reasoning_delta', text: 'Hmm.' },
    { type: 'reasoning_signature', signature: 'EqQB', source: 'anthropic' },
    { type: 'redacted_reasoning', data: 'EmwK' },
    { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f', signature: 'CiQB', signatureSource: 'gemini' },
    { type: 'tool_call_delta', index: 0, arguments: '{}' },
    { type: 'finish', reason: 'tool_calls' }
  ], { include: ['reasoning.encrypted_content'] })
  checkInvariants(t, sse)
  const final = await client(sse).responses.stream({ model: 'm', input: 'hi' }).finalResponse()
  t.same(final.output, [
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Hmm.' }], encrypted_content: 'switchboard:v1:anthropic:EqQB' },
    { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'switchboard:v1:redacted:EmwK' },
    { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'switchboard:v1:call:gemini:CiQB' },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{}', status: 'completed', parsed_arguments: null }
  ], 'parsed_arguments is the SDK\'s own addition')
})

t.test('text, then two parallel function calls with interleaved arguments', async t => {
  const { sse } = encode([
    { type: 'start', id: 'x', model: 'gpt-4.1' },
    { type: 'text_delta', text: 'Checking both.' },
    { type: 'tool_call_start', index: 0, id: 'call_a', name: 'weather' },
    { type: 'tool_call_start', index: 1, id: 'call_a', name: 'time' },
    { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
    { type: 'tool_call_delta', index: 1, arguments: '{"tz":' },
    { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
    { type: 'tool_call_delta', index: 1, arguments: '"CET"}' },
    { type: 'finish', reason: 'tool_calls', usage: { inputTokens: 30, outputTokens: 20 } }
  ], { tools: [{ type: 'function', name: 'weather', parameters: { type: 'object' } }, { type: 'function', name: 'time', parameters: { type: 'object' } }] })
  const list = checkInvariants(t, sse)
  t.same(list.filter(f => f.event === 'response.function_call_arguments.done').map(f => [f.data.item_id, f.data.name, f.data.arguments]), [
    ['fc_1', 'weather', '{"city":"Paris"}'], ['fc_2', 'time', '{"tz":"CET"}']
  ])
  const stream = client(sse).responses.stream({ model: 'gpt-4.1', input: 'hi' })
  const snapshots: string[] = []
  stream.on('response.function_call_arguments.delta', e => snapshots.push(e.snapshot))
  const final = await stream.finalResponse()
  t.same(snapshots, ['{"city":', '{"tz":', '{"city":"Paris"}', '{"tz":"CET"}'])
  t.equal(final.output_text, 'Checking both.')
  t.match(final.output, [
    { type: 'message', id: 'msg_1' },
    { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
    { type: 'function_call', id: 'fc_2', name: 'time', arguments: '{"tz":"CET"}', status: 'completed' }
  ])
  t.not(final.output[2]?.type === 'function_call' ? final.output[2].call_id : '', 'call_a', 'a duplicate upstream call id is replaced')
  t.match(final.tools, [{ type: 'function', name: 'weather', strict: null }, { type: 'function', name: 'time' }])
})

t.test('a token cap ends with response.incomplete', async t => {
  const { sse } = encode([
    { type: 'start', id: 'x', model: 'gpt-4.1' },
    { type: 'text_delta', text: 'Once upon a' },
    { type: 'finish', reason: 'length', usage: { inputTokens: 5, outputTokens: 3 } }
  ], { max_output_tokens: 3 })
  const list = checkInvariants(t, sse)
  t.equal(list.at(-1)?.event, 'response.incomplete')
  const final = await client(sse).responses.stream({ model: 'gpt-4.1', input: 'hi' }).finalResponse()
  t.equal(final.status, 'incomplete')
  t.same(final.incomplete_details, { reason: 'max_output_tokens' })
  t.equal(final.max_output_tokens, 3)
  t.equal(final.output_text, 'Once upon a')
  t.match(final.output, [{ type: 'message', status: 'incomplete' }])

  const filtered = encode([{ type: 'start', id: 'x', model: 'm' }, { type: 'finish', reason: 'content_filter' }])
  const blocked = await client(filtered.sse).responses.stream({ model: 'm', input: 'hi' }).finalResponse()
  t.same([blocked.status, blocked.incomplete_details], ['incomplete', { reason: 'content_filter' }])
})

t.test('an error after the headers: response.failed, then event: error', async t => {
  const err = new GatewayError({ kind: 'rate_limit', status: 429, message: 'Slow down' })
  const { sse } = encode([{ type: 'start', id: 'x', model: 'gpt-4.1' }, { type: 'text_delta', text: 'Par' }], {}, err)
  const list = checkInvariants(t, sse)
  t.same(list.slice(-2).map(f => f.event), ['response.failed', 'error'])
  t.same(list.at(-1)?.data, { type: 'error', sequence_number: list.length - 1, code: 'rate_limit_exceeded', message: 'Slow down', param: null })
  t.match(list.at(-2)?.data.response, {
    status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Slow down' },
    output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Par' }] }]
  })
  await t.rejects(client(sse).responses.stream({ model: 'gpt-4.1', input: 'hi' }).finalResponse(), { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down' })

  // Raw iteration sees both events (6.x yields `event: error` instead of throwing).
  const raw = await client(sse).responses.create({ model: 'gpt-4.1', input: 'hi', stream: true })
  const types: string[] = []
  for await (const event of raw) types.push(event.type)
  t.same(types.slice(-2), ['response.failed', 'error'])
})

t.test('an upstream error event, and an error before anything was sent', async t => {
  const invalid = encode([], {}, new GatewayError({ kind: 'invalid_request', status: 400, message: 'Bad tool', param: 'tools' }))
  t.match(frames(invalid.sse).at(-1)?.data, { type: 'error', code: 'invalid_request_error', message: 'Bad tool', param: 'tools' })

  const { sse } = encode([{ type: 'start', id: 'x', model: 'm' }, { type: 'error', status: 503, message: 'Overloaded' }])
  const list = checkInvariants(t, sse)
  t.match(list.at(-1)?.data, { type: 'error', code: 'server_error', message: 'Overloaded' })
  await t.rejects(client(sse).responses.stream({ model: 'm', input: 'hi' }).finalResponse(), { code: 'server_error' })

  const early = encode([], {}, new GatewayError({ kind: 'timeout', status: 504, message: 'Too slow', code: 'upstream_timeout' }))
  t.same(checkInvariants(t, early.sse).map(f => f.event), ['response.created', 'response.in_progress', 'response.failed', 'error'])
  await t.rejects(client(early.sse).responses.stream({ model: 'm', input: 'hi' }).finalResponse(), { code: 'upstream_timeout', message: 'Too slow' })
})

t.test('a model failure (finish error) ends with response.failed, which the SDK resolves', async t => {
  const { sse } = encode([{ type: 'start', id: 'x', model: 'm' }, { type: 'finish', reason: 'error' }])
  const final = await client(sse).responses.stream({ model: 'm', input: 'hi' }).finalResponse()
  t.equal(final.status, 'failed')
  t.match(final.error, { code: 'server_error' })
})

t.test('the stream splits into any chunks for the SDK', async t => {
  const { sse } = encode([
    { type: 'start', id: 'x', model: 'm' },
    { type: 'reasoning_delta', text: 'Ünïcödé 思考' },
    { type: 'text_delta', text: 'Ответ 🎉' },
    { type: 'finish', reason: 'stop' }
  ])
  for (const chunk of [1, 2, 3, 5, 64]) {
    const final = await client(sse, chunk).responses.stream({ model: 'm', input: 'hi' }).finalResponse()
    t.equal(final.output_text, 'Ответ 🎉', `chunks of ${chunk} bytes`)
  }
})
