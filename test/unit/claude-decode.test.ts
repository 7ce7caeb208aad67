import t from 'tap'
import type { ClaudeMessagesRequest } from '../../schemas/anthropic/messages-request.js'
import { claudeCodec, decodeClaudeRequest } from '../../routes/claude/codec/index.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { catchError, claudeBody, fixedContext } from './claude-helpers.js'

const ctx = fixedContext()

function body (extra: Record<string, unknown>): ClaudeMessagesRequest {
  return claudeBody({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...extra })
}

t.test('a full conversation decodes to canonical parts', async (t) => {
  const req = claudeCodec.decodeRequest(body({
    system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Oslo?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' }, title: 'Report' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } }
        ]
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the tool.', signature: 'EqQBCkYI' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo', days: 2 } }
        ]
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: '12C' },
          { type: 'tool_result', tool_use_id: 'toolu_02', is_error: true, content: [{ type: 'text', text: 'boom' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }] },
          { type: 'text', text: 'Thanks' }
        ]
      }
    ],
    stop_sequences: ['END'],
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    metadata: { user_id: 'user-42' },
    stream: true
  }), ctx)
  t.same(req, {
    model: 'claude-sonnet-4-5',
    system: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Oslo?' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' }, title: 'Report' },
          { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'plain words' } }
        ]
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.', signature: 'EqQBCkYI', signatureSource: 'anthropic' },
          { type: 'reasoning', text: '', redacted: 'EmwKAhgB', signatureSource: 'anthropic' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Oslo","days":2}' }
        ]
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', callId: 'toolu_01', name: 'get_weather', content: [{ type: 'text', text: '12C' }] },
          { type: 'tool_result', callId: 'toolu_02', isError: true, content: [{ type: 'text', text: 'boom' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/' } }] },
          { type: 'text', text: 'Thanks' }
        ]
      }
    ],
    stream: true,
    maxTokens: 1024,
    temperature: 0.5,
    topP: 0.9,
    topK: 40,
    stop: ['END'],
    user: 'user-42'
  })
  t.equal(req.extras, undefined, 'nothing unmapped, no extras')
})

t.test('tools, tool_choice and parallel calls', async (t) => {
  const req = claudeCodec.decodeRequest(body({
    tools: [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, cache_control: { type: 'ephemeral' } },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
      { type: 'custom', name: 'strict_one', input_schema: { type: 'object' }, strict: true, input_examples: [{}] }
    ],
    tool_choice: { type: 'any', disable_parallel_tool_use: true }
  }), ctx)
  t.same(req.tools, [
    { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, cacheControl: { type: 'ephemeral' } },
    { name: 'strict_one', parameters: { type: 'object' }, strict: true }
  ])
  t.same(req.toolChoice, { type: 'required' })
  t.equal(req.parallelToolCalls, false)
  t.same(req.extras, {
    anthropic: {
      serverTools: [{ index: 1, tool: { type: 'web_search_20250305', name: 'web_search', max_uses: 3 } }],
      toolFields: { strict_one: { strict: true, input_examples: [{}] } }
    }
  })
  const choices = [
    [{ type: 'auto' }, { type: 'auto' }, undefined],
    [{ type: 'none' }, { type: 'none' }, undefined],
    [{ type: 'tool', name: 'get_weather', disable_parallel_tool_use: false }, { type: 'tool', name: 'get_weather' }, true]
  ] as const
  for (const [choice, expected, parallel] of choices) {
    const r = claudeCodec.decodeRequest(body({ tools: [], tool_choice: choice }), ctx)
    t.same(r.toolChoice, expected)
    t.equal(r.parallelToolCalls, parallel)
  }
})

t.test('thinking, effort and structured output', async (t) => {
  const enabled = claudeCodec.decodeRequest(body({ max_tokens: 20000, thinking: { type: 'enabled', budget_tokens: 10000 } }), ctx)
  t.same(enabled.reasoning, { budgetTokens: 10000 })
  t.same(enabled.extras, { anthropic: { thinking: { type: 'enabled', budget_tokens: 10000 } } })

  const adaptive = claudeCodec.decodeRequest(body({
    thinking: { type: 'adaptive', display: 'omitted' },
    output_config: { effort: 'max', format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } }
  }), ctx)
  t.same(adaptive.reasoning, { effort: 'max', includeThoughts: false })
  t.same(adaptive.responseFormat, { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } })
  t.same(adaptive.extras?.anthropic, { effort: 'max', thinking: { type: 'adaptive', display: 'omitted' } })

  t.same(claudeCodec.decodeRequest(body({ thinking: { type: 'adaptive' } }), ctx).reasoning, { effort: 'high' })
  t.same(claudeCodec.decodeRequest(body({ thinking: { type: 'disabled' } }), ctx).reasoning, { effort: 'none' })
  t.same(claudeCodec.decodeRequest(body({ output_config: { effort: 'low' } }), ctx).reasoning, { effort: 'low' })
  const other = claudeCodec.decodeRequest(body({ thinking: { type: 'between_tools' } }), ctx)
  t.equal(other.reasoning, undefined)
  t.same(other.extras, { anthropic: { thinking: { type: 'between_tools' } } })
})

t.test('unmapped blocks, fields and top-level keys go to extras.anthropic', async (t) => {
  const req = claudeCodec.decodeRequest(body({
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'find it', citations: { enabled: true } }, { type: 'search_result', source: 'https://x', title: 't', content: [] }] },
      {
        role: 'assistant',
        content: [
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'tool_use', id: 'toolu_9', name: 'f', input: {}, cache_control: { type: 'ephemeral' } }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: [{ type: 'search_result', source: 's', title: 't', content: [] }, { type: 'text', text: 'r' }], cache_control: { type: 'ephemeral', ttl: '1h' } }] }
    ],
    metadata: { user_id: 'u', tenant: 'x' },
    output_config: { effort: 'high', verbosity: 'low' },
    container: 'container_1',
    service_tier: 'auto'
  }), ctx)
  t.same(req.messages[0]?.content, [{ type: 'text', text: 'find it' }])
  t.same(req.messages[1]?.content, [{ type: 'tool_call', id: 'toolu_9', name: 'f', arguments: '{}' }])
  t.same(req.messages[2]?.content, [{ type: 'tool_result', callId: 'toolu_9', name: 'f', content: [{ type: 'text', text: 'r' }] }])
  t.same(req.extras?.anthropic, {
    fields: { container: 'container_1', service_tier: 'auto' },
    metadata: { tenant: 'x' },
    effort: 'high',
    outputConfig: { verbosity: 'low' },
    blocks: [
      { message: 0, part: 0, type: 'text', fields: { citations: { enabled: true } } },
      { message: 0, part: 1, block: { type: 'search_result', source: 'https://x', title: 't', content: [] } },
      { message: 1, part: 0, block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } } },
      { message: 1, part: 0, block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } },
      { message: 1, part: 0, type: 'tool_use', fields: { cache_control: { type: 'ephemeral' } } },
      { message: 2, part: 0, inner: 0, block: { type: 'search_result', source: 's', title: 't', content: [] } },
      { message: 2, part: 0, type: 'tool_result', fields: { cache_control: { type: 'ephemeral', ttl: '1h' } } }
    ]
  })
})

t.test('signatures: foreign ones come back to their vendor, empty ones are none', async (t) => {
  const req = claudeCodec.decodeRequest(body({
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'a', signature: 'sb:gemini:CiQB' }, { type: 'thinking', thinking: 'b', signature: '' }, { type: 'thinking', thinking: 'c' }, { type: 'text', text: 'x' }] }
    ]
  }), ctx)
  t.same(req.messages[1]?.content.slice(0, 3), [
    { type: 'reasoning', text: 'a', signature: 'CiQB', signatureSource: 'gemini' },
    { type: 'reasoning', text: 'b' },
    { type: 'reasoning', text: 'c' }
  ])
})

t.test('string content, empty system and count_tokens bodies', async (t) => {
  const req = decodeClaudeRequest({ model: 'm', system: '', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] })
  t.same(req, {
    model: 'm',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }, { role: 'assistant', content: [{ type: 'text', text: 'b' }] }],
    stream: false
  })
  t.same(decodeClaudeRequest({ model: 'm', system: 'Be brief', messages: [{ role: 'user', content: 'a' }] }).system, [{ type: 'text', text: 'Be brief' }])
})

t.test('blocks in the wrong role are a 400 naming the block', async (t) => {
  const cases: Array<[unknown[], string]> = [
    [[{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }], 'messages[0].content[0]'],
    [[{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'tool_result', tool_use_id: 't' }] }], 'messages[1].content[1]'],
    [[{ role: 'user', content: [{ type: 'thinking', thinking: 'x', signature: 's' }] }], 'messages[0].content[0]']
  ]
  for (const [messages, param] of cases) {
    const err = catchError(() => claudeCodec.decodeRequest(body({ messages }), ctx))
    t.ok(err instanceof GatewayError)
    t.match(err, { status: 400, kind: 'invalid_request', param, message: new RegExp(`^${param.replace(/[[\].]/g, '\\$&')}: `) })
  }
})
