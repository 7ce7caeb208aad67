import t from 'tap'
import type { ChatRequest } from '../../schemas/canonical.js'
import { toResponsesRequest } from '../../providers/openai-responses/request.js'
import { responsesCodec } from '../../routes/responses/codec/index.js'
import { fixedContext } from './responses-fixtures.js'

t.test('a canonical conversation from another protocol', async t => {
  const req: ChatRequest = {
    model: 'claude-sonnet',
    system: [{ type: 'text', text: 'Be terse.' }, { type: 'text', text: 'Use tools.' }],
    messages: [
      { role: 'user', content: [
        { type: 'text', text: 'Look:' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' }, detail: 'low' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/x.png' } },
        { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
        { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'plain notes' }, filename: 'n.txt' },
        { type: 'audio', data: 'UklGR', format: 'wav' }
      ] },
      { role: 'assistant', content: [
        { type: 'reasoning', text: 'Claude thinking', signature: 'EqQB', signatureSource: 'anthropic' },
        { type: 'reasoning', text: 'OpenAI summary', signature: 'gAAAAABenc', signatureSource: 'openai' },
        { type: 'text', text: 'Checking ' },
        { type: 'text', text: 'now.' },
        { type: 'tool_call', id: 'toolu_1', name: 'read', arguments: '{"path":"a"}' },
        { type: 'tool_call', id: 'toolu_2', name: 'snap', arguments: '{}' }
      ] },
      { role: 'user', content: [
        { type: 'tool_result', callId: 'toolu_1', name: 'read', content: [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }] },
        { type: 'tool_result', callId: 'toolu_2', content: [{ type: 'image', source: { kind: 'file', fileId: 'file-1' } }], isError: false },
        { type: 'text', text: 'Continue.' }
      ] }
    ],
    tools: [
      { name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      { name: 'snap', parameters: { type: 'object' }, strict: true }
    ],
    toolChoice: { type: 'tool', name: 'read' },
    parallelToolCalls: false,
    maxTokens: 4096,
    temperature: 0.3,
    topP: 0.8,
    topK: 40,
    stop: ['END'],
    reasoning: { budgetTokens: 8000, includeThoughts: true },
    responseFormat: { type: 'json_schema', schema: { type: 'object' }, strict: true },
    stream: true,
    user: 'u-1',
    metadata: { trace: 't1' }
  }
  t.same(toResponsesRequest(req, 'o4-mini'), {
    model: 'o4-mini',
    input: [
      { type: 'message', role: 'user', content: [
        { type: 'input_text', text: 'Look:' },
        { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/4AAQ', detail: 'low' },
        { type: 'input_image', image_url: 'https://example.com/x.png', detail: 'auto' },
        { type: 'input_file', filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
        { type: 'input_text', text: 'plain notes' }
      ] },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'OpenAI summary' }], encrypted_content: 'gAAAAABenc' },
      { type: 'message', role: 'assistant', content: 'Checking now.' },
      { type: 'function_call', call_id: 'toolu_1', name: 'read', arguments: '{"path":"a"}' },
      { type: 'function_call', call_id: 'toolu_2', name: 'snap', arguments: '{}' },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'line 1\nline 2' },
      { type: 'function_call_output', call_id: 'toolu_2', output: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Continue.' }] }
    ],
    instructions: 'Be terse.\n\nUse tools.',
    tools: [
      { type: 'function', name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false },
      { type: 'function', name: 'snap', parameters: { type: 'object' }, strict: true }
    ],
    tool_choice: { type: 'function', name: 'read' },
    parallel_tool_calls: false,
    max_output_tokens: 4096,
    temperature: 0.3,
    top_p: 0.8,
    reasoning: { effort: 'medium', summary: 'auto' },
    text: { format: { type: 'json_schema', name: 'response', schema: { type: 'object' }, strict: true } },
    include: ['reasoning.encrypted_content'],
    metadata: { trace: 't1' },
    user: 'u-1',
    store: false,
    stream: true
  })
})

t.test('a Responses client through to a Responses upstream keeps what the upstream understands', async t => {
  const ctx = fixedContext()
  const req = responsesCodec.decodeRequest({
    model: 'gpt-5',
    instructions: 'Hi.',
    input: [{ role: 'user', content: 'Search the web' }],
    tools: [{ type: 'web_search' }, { type: 'function', name: 'f', parameters: { type: 'object' } }],
    tool_choice: { type: 'web_search' },
    reasoning: { effort: 'xhigh', summary: 'detailed' },
    text: { verbosity: 'low' },
    include: ['web_search_call.action.sources'],
    store: true,
    previous_response_id: 'resp_x',
    truncation: 'auto',
    prompt_cache_key: 'pc',
    service_tier: 'flex',
    background: false
  }, ctx)
  t.same(toResponsesRequest(req, 'gpt-5'), {
    model: 'gpt-5',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Search the web' }] }],
    instructions: 'Hi.',
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: false }, { type: 'web_search' }],
    tool_choice: { type: 'web_search' },
    reasoning: { summary: 'detailed', effort: 'xhigh' },
    text: { verbosity: 'low' },
    include: ['web_search_call.action.sources', 'reasoning.encrypted_content'],
    truncation: 'auto',
    service_tier: 'flex',
    prompt_cache_key: 'pc',
    store: false,
    stream: false
  })
})

t.test('no reasoning, no include: models that do not reason reject it', async t => {
  const body = toResponsesRequest({ model: 'm', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], stream: false, reasoning: { effort: 'none' } }, 'gpt-4.1')
  t.same(body, { model: 'gpt-4.1', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }], reasoning: { effort: 'none' }, store: false, stream: false })
  const max = toResponsesRequest({ model: 'm', system: [], messages: [], stream: false, reasoning: { effort: 'max' }, responseFormat: { type: 'json_object' } }, 'o3')
  t.match(max, { reasoning: { effort: 'xhigh' }, text: { format: { type: 'json_object' } }, include: ['reasoning.encrypted_content'] })
})
