import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { ResponsesRequest } from '../../schemas/openai/responses-request.js'
import type { ChatRequest, ChatResponse } from '../../schemas/canonical.js'
import { isGatewayError } from '../../plugins/gateway-error.js'
import { prependHistory, responsesCodec, toStoredConversation } from '../../routes/responses/codec/index.js'
import { fixedContext } from './responses-fixtures.js'

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

function decode (body: Record<string, unknown>): ChatRequest {
  if (!Value.Check(ResponsesRequest, body)) throw new Error(`fixture fails the schema: ${JSON.stringify([...Value.Errors(ResponsesRequest, body)][0])}`)
  return responsesCodec.decodeRequest(body, fixedContext())
}

t.test('a string input with instructions', async t => {
  const req = decode({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'Hello' })
  t.same(req, {
    model: 'gpt-4.1',
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    stream: false,
    extras: { responses: { instructions: 'Be brief.' } }
  })
})

t.test('a full agent turn: every item kind and every mapped field', async t => {
  const body = {
    model: 'o4-mini',
    instructions: 'You are a coding agent.',
    input: [
      { role: 'developer', content: 'Prefer TypeScript.' },
      { type: 'message', role: 'user', content: [
        { type: 'input_text', text: 'What is in these?' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'high' },
        { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
        { type: 'input_image', file_id: 'file-img1', detail: 'original' },
        { type: 'input_file', filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' },
        { type: 'input_file', file_id: 'file-abc' },
        { type: 'input_file', file_url: 'https://example.com/a.pdf' }
      ] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Look first.' }, { type: 'summary_text', text: 'Then read.' }], encrypted_content: 'gAAAAABoEnc' },
      { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'read_file', arguments: '{"path":"a.ts"}', status: 'completed' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_b', name: 'list_dir', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_a', output: 'export const a = 1' },
      { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: 'a.ts' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}` }] },
      { role: 'system', content: [{ type: 'input_text', text: 'Answer in English.' }] },
      { role: 'user', content: 'Thanks, go on.' }
    ],
    tools: [
      { type: 'function', name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, strict: true },
      { type: 'function', name: 'list_dir', parameters: null, strict: null },
      { type: 'web_search_preview' }
    ],
    tool_choice: { type: 'function', name: 'read_file' },
    parallel_tool_calls: false,
    max_output_tokens: 2048,
    temperature: 0.2,
    top_p: 0.9,
    reasoning: { effort: 'high', summary: 'auto' },
    text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
    stream: true,
    previous_response_id: null,
    store: false,
    metadata: { session: 's1' },
    include: ['reasoning.encrypted_content'],
    truncation: 'auto',
    user: 'user-42',
    prompt_cache_key: 'k1'
  }
  const req = decode(body)
  t.same(req.system, [
    { type: 'text', text: 'You are a coding agent.' },
    { type: 'text', text: 'Prefer TypeScript.' },
    { type: 'text', text: 'Answer in English.' }
  ])
  t.same(req.messages, [
    { role: 'user', content: [
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG }, detail: 'high' },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' }, detail: 'auto' },
      { type: 'image', source: { kind: 'file', fileId: 'file-img1' } },
      { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0xLjQ=' }, filename: 'spec.pdf' },
      { type: 'document', source: { kind: 'file', fileId: 'file-abc' } },
      { type: 'document', source: { kind: 'url', url: 'https://example.com/a.pdf' } }
    ] },
    { role: 'assistant', content: [
      { type: 'reasoning', text: 'Look first.\n\nThen read.', signature: 'gAAAAABoEnc', signatureSource: 'openai' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_call', id: 'call_a', name: 'read_file', arguments: '{"path":"a.ts"}' },
      { type: 'tool_call', id: 'call_b', name: 'list_dir', arguments: '{}' }
    ] },
    { role: 'user', content: [
      { type: 'tool_result', callId: 'call_a', name: 'read_file', content: [{ type: 'text', text: 'export const a = 1' }] },
      { type: 'tool_result', callId: 'call_b', name: 'list_dir', content: [{ type: 'text', text: 'a.ts' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } }] }
    ] },
    { role: 'user', content: [{ type: 'text', text: 'Thanks, go on.' }] }
  ])
  t.same(req.tools, [
    { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, strict: true },
    { name: 'list_dir', parameters: { type: 'object', properties: {} } }
  ])
  t.same(req.toolChoice, { type: 'tool', name: 'read_file' })
  t.equal(req.parallelToolCalls, false)
  t.equal(req.maxTokens, 2048)
  t.equal(req.temperature, 0.2)
  t.equal(req.topP, 0.9)
  t.same(req.reasoning, { effort: 'high', includeThoughts: true })
  t.same(req.responseFormat, { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true })
  t.equal(req.stream, true)
  t.equal(req.includeUsage, true)
  t.equal(req.user, 'user-42')
  t.same(req.metadata, { session: 's1' })
  t.same(req.extras, {
    responses: {
      tools: [{ type: 'web_search_preview' }],
      text: { verbosity: 'low' },
      reasoning: { summary: 'auto' },
      instructions: 'You are a coding agent.',
      previous_response_id: null,
      store: false,
      include: ['reasoning.encrypted_content'],
      truncation: 'auto',
      prompt_cache_key: 'k1'
    }
  })
})

t.test('items without a canonical form are kept in extras with their position', async t => {
  const req = decode({
    model: 'm',
    input: [{ type: 'item_reference', id: 'msg_9' }, { role: 'user', content: 'Hi' }, { type: 'reasoning', id: 'rs_9', summary: [] }],
    tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] }
  })
  t.same(req.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }])
  t.same(req.extras?.responses?.input_items, [
    { index: 0, item: { type: 'item_reference', id: 'msg_9' } },
    { index: 2, item: { type: 'reasoning', id: 'rs_9', summary: [] } }
  ])
  t.same(req.extras?.responses?.tool_choice, { type: 'allowed_tools', mode: 'auto', tools: [] })
  t.equal(req.toolChoice, undefined)
})

t.test('signatures of other vendors come back with their source', async t => {
  const req = decode({
    model: 'm',
    input: [
      { role: 'user', content: 'Weather?' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think.' }], encrypted_content: 'switchboard:v1:anthropic:EqQBCkgIBxAB' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'switchboard:v1:redacted:EmwKAhgBEgy3' },
      { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'switchboard:v1:call:gemini:CiQBcsjafw==' },
      { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{}' },
      { type: 'function_call', call_id: 'call_2', name: 'weather', arguments: '{}' }
    ]
  })
  t.same(req.messages[1], { role: 'assistant', content: [
    { type: 'reasoning', text: 'Think.', signature: 'EqQBCkgIBxAB', signatureSource: 'anthropic' },
    { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3' },
    { type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{}', signature: 'CiQBcsjafw==', signatureSource: 'gemini' },
    { type: 'tool_call', id: 'call_2', name: 'weather', arguments: '{}' }
  ] })
})

t.test('bad input becomes a 400 naming the field', async t => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio', data: 'x' }] }] }, 'input[0].content[0].type'],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0].type'],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', detail: 'low' }] }] }, 'input[0].content[0].image_url'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] }, 'input[0].output'],
    [{ model: 'm', input: [{ role: 'user', content: 'x' }], tool_choice: { type: 'function' } }, 'tool_choice.name'],
    [{ model: 'm', input: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name'],
    [{ model: 'm' }, 'input'],
    [{ model: 'm', input: [] }, 'input']
  ]
  for (const [body, param] of cases) {
    try {
      responsesCodec.decodeRequest(body as ResponsesRequest, fixedContext())
      t.fail(`accepted ${JSON.stringify(body)}`)
    } catch (err) {
      t.ok(isGatewayError(err) && err.status === 400 && err.param === param, `${param}: ${String(err)}`)
    }
  }
})

t.test('previous_response_id without input is left for the route to resolve', async t => {
  const req = decode({ model: 'm', previous_response_id: 'resp_1' })
  t.same(req.messages, [])
  t.same(req.extras?.responses, { previous_response_id: 'resp_1' })
})

t.test('the schema lets unknown fields through and checks known ones', async t => {
  t.ok(Value.Check(ResponsesRequest, { model: 'm', input: 'x', service_tier: 'flex', brand_new_field: { a: 1 } }))
  t.notOk(Value.Check(ResponsesRequest, { model: 'm', input: 'x', temperature: 3 }))
  t.notOk(Value.Check(ResponsesRequest, { model: 'm', input: 'x', reasoning: { effort: 'extreme' } }))
  t.notOk(Value.Check(ResponsesRequest, { input: 'x' }))
})

t.test('editSystem rewrites instructions only; withModel replaces the model', async t => {
  const body: ResponsesRequest = { model: 'a', instructions: 'Old', input: 'x' }
  t.same(responsesCodec.editSystem(body, s => [{ type: 'text', text: 'Gateway rules.' }, ...s]), { model: 'a', instructions: 'Gateway rules.\n\nOld', input: 'x' })
  t.same(responsesCodec.editSystem({ model: 'a', input: 'x' }, s => s), { model: 'a', input: 'x' })
  t.same(responsesCodec.editSystem(body, () => []), { model: 'a', input: 'x' })
  t.same(responsesCodec.withModel(body, 'b'), { model: 'b', instructions: 'Old', input: 'x' })
  t.equal(body.model, 'a', 'the original body is untouched')
})

t.test('conversations stored for previous_response_id', async t => {
  const first = decode({ model: 'm', input: 'Weather in Paris?' })
  const res: ChatResponse = {
    id: 'x', model: 'm', created: 1, finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 },
    content: [{ type: 'reasoning', text: 'Use the tool.', signature: 'sig', signatureSource: 'anthropic' }, { type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }]
  }
  const stored = toStoredConversation(first, res)
  t.same(stored, [first.messages[0], { role: 'assistant', content: res.content }])
  const next = decode({ model: 'm', previous_response_id: 'resp_1', input: [{ type: 'function_call_output', call_id: 'call_1', output: '18C' }] })
  t.same(next.messages, [{ role: 'user', content: [{ type: 'tool_result', callId: 'call_1', content: [{ type: 'text', text: '18C' }] }] }])
  const merged = prependHistory(next, stored)
  t.same(merged.messages, [
    ...stored,
    { role: 'user', content: [{ type: 'tool_result', callId: 'call_1', name: 'weather', content: [{ type: 'text', text: '18C' }] }] }
  ])
  t.same(prependHistory(next, []), next)
  t.same(toStoredConversation(first, { ...res, content: [] }), first.messages)
})
