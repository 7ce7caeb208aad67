import t from 'tap'
import type { ChatRequest } from '../../schemas/canonical.js'
import { OPENAI_HINTS_KEY } from '../../schemas/openai/hints.js'
import { toOpenAIChatRequest } from '../../providers/openai-custom/request.js'
import { GatewayError } from '../../plugins/gateway-error.js'

const PNG = 'iVBORw0KGgo='
const PDF = 'JVBERi0xLjQK'

/** What a Claude client's agent turn looks like canonically: system blocks, thinking, tool use, results with images. */
const claudeTurn: ChatRequest = {
  model: 'claude-sonnet-4-5',
  system: [{ type: 'text', text: 'You are a coding agent.', cacheControl: { type: 'ephemeral' } }, { type: 'text', text: 'Be brief.' }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Screenshot the page and read the spec.' }, { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: PDF }, title: 'spec.pdf' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Need a screenshot.', signature: 'EqQB', signatureSource: 'anthropic' },
        { type: 'text', text: 'Taking it.' },
        { type: 'tool_call', id: 'toolu_01', name: 'screenshot', arguments: '{"url":"https://example.com"}' },
        { type: 'tool_call', id: 'toolu_02', name: 'read', arguments: '{"path":"a.txt"}' }
      ]
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', callId: 'toolu_01', name: 'screenshot', content: [{ type: 'text', text: 'Captured.' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } }] },
        { type: 'tool_result', callId: 'toolu_02', content: [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }], isError: false },
        { type: 'text', text: 'Now compare.' }
      ]
    }
  ],
  tools: [
    { name: 'screenshot', description: 'Capture a page', parameters: { type: 'object', properties: { url: { type: 'string' } } }, cacheControl: { type: 'ephemeral' } },
    { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true }
  ],
  toolChoice: { type: 'tool', name: 'read' },
  parallelToolCalls: false,
  maxTokens: 32000,
  temperature: 1,
  topK: 40,
  stop: ['\n\nHuman:'],
  reasoning: { budgetTokens: 10000, includeThoughts: true },
  stream: true,
  user: 'user-7',
  extras: { anthropic: { container: 'c1' } }
}

t.test('a Claude agent turn as an OpenAI body, byte-exact', async (t) => {
  const body = toOpenAIChatRequest(claudeTurn, 'gpt-5')
  t.equal(JSON.stringify(body), JSON.stringify({
    model: 'gpt-5',
    messages: [
      { role: 'system', content: 'You are a coding agent.\n\nBe brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Screenshot the page and read the spec.' },
          { type: 'file', file: { filename: 'spec.pdf', file_data: `data:application/pdf;base64,${PDF}` } }
        ]
      },
      {
        role: 'assistant',
        content: 'Taking it.',
        tool_calls: [
          { id: 'toolu_01', type: 'function', function: { name: 'screenshot', arguments: '{"url":"https://example.com"}' } },
          { id: 'toolu_02', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }
        ]
      },
      { role: 'tool', tool_call_id: 'toolu_01', content: 'Captured.\n[1 attachment(s) of this tool result follow in the next user message]' },
      { role: 'tool', tool_call_id: 'toolu_02', content: 'line 1\nline 2' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'Now compare.' }
        ]
      }
    ],
    tools: [
      { type: 'function', function: { name: 'screenshot', description: 'Capture a page', parameters: { type: 'object', properties: { url: { type: 'string' } } } } },
      { type: 'function', function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true } }
    ],
    tool_choice: { type: 'function', function: { name: 'read' } },
    parallel_tool_calls: false,
    max_completion_tokens: 32000,
    temperature: 1,
    stop: ['\n\nHuman:'],
    user: 'user-7',
    reasoning_effort: 'high',
    stream: true,
    stream_options: { include_usage: true }
  }))
})

t.test('media parts, empty turns and reasoning echo', async (t) => {
  const req: ChatRequest = {
    model: 'deepseek-reasoner',
    system: [],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
          { type: 'audio', data: 'UklGRg==', format: 'wav' },
          { type: 'document', source: { kind: 'file', fileId: 'file-abc' } },
          { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'plain notes' } },
          { type: 'document', source: { kind: 'base64', mediaType: 'text/csv', data: 'YSxi' } }
        ]
      },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'user', content: [{ type: 'tool_result', callId: 'c1', content: [] }] },
      { role: 'assistant', content: [] },
      { role: 'user', content: [{ type: 'text', text: 'ok' }] }
    ],
    maxTokens: 50,
    reasoning: { effort: 'none' },
    responseFormat: { type: 'json_schema', schema: { type: 'object' } },
    stream: false,
    extras: { openai: { [OPENAI_HINTS_KEY]: { reasoningContent: true, maxTokensField: 'max_tokens' }, stream_options: { include_obfuscation: false } } }
  }
  t.same(toOpenAIChatRequest(req, 'deepseek-reasoner'), {
    model: 'deepseek-reasoner',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_id: 'file-abc' } },
          { type: 'text', text: 'plain notes' },
          { type: 'file', file: { filename: 'document.csv', file_data: 'data:text/csv;base64,YSxi' } }
        ]
      },
      { role: 'assistant', content: null, reasoning_content: 'hmm', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'ok' }
    ],
    max_tokens: 50,
    reasoning_effort: 'none',
    response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } }
  }, 'no stream_options on a non-streaming call; hints never leave')
})

t.test('budgets map to efforts; budget 0 sends none at all; tool choice needs tools', async (t) => {
  const base: ChatRequest = { model: 'm', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], stream: false }
  t.equal(toOpenAIChatRequest({ ...base, reasoning: { budgetTokens: 1024 } }, 'm').reasoning_effort, 'low')
  t.equal(toOpenAIChatRequest({ ...base, reasoning: { budgetTokens: 4000 } }, 'm').reasoning_effort, 'medium')
  t.notOk('reasoning_effort' in toOpenAIChatRequest({ ...base, reasoning: { budgetTokens: 0 } }, 'm'))
  const noTools = toOpenAIChatRequest({ ...base, toolChoice: { type: 'none' }, parallelToolCalls: true }, 'm')
  t.notOk('tool_choice' in noTools)
  t.notOk('parallel_tool_calls' in noTools)
})

t.test('sources an OpenAI chat upstream cannot take are a 400', async (t) => {
  const base: ChatRequest = { model: 'm', system: [], messages: [], stream: false }
  t.throws(() => toOpenAIChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'url', url: 'https://x/a.pdf' } }] }] }, 'm'),
    new GatewayError({ kind: 'invalid_request', status: 400, message: 'A document given by URL cannot be sent to an OpenAI-compatible chat upstream; send it inline' }))
  t.throws(() => toOpenAIChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'file', fileId: 'files/abc' } }] }] }, 'm'), /file id cannot be sent/)
  t.equal((toOpenAIChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'file', fileId: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } }] }] }, 'm').messages as unknown[]).length, 1)
})
