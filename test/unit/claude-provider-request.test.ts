import t from 'tap'
import type { ChatRequest } from '../../schemas/canonical.js'
import { toClaudeRequest, JSON_OBJECT_INSTRUCTION } from '../../providers/claude-custom/request.js'
import { planTokens } from '../../providers/claude-custom/request-thinking.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { catchError } from './claude-helpers.js'

function chat (extra: Partial<ChatRequest>): ChatRequest {
  return { model: 'gpt-4o', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false, ...extra }
}

t.test('an OpenAI-shaped conversation becomes a valid Anthropic body', async (t) => {
  const body = toClaudeRequest(chat({
    system: [{ type: 'text', text: 'Be terse.' }, { type: 'text', text: 'Dev note.', cacheControl: { type: 'ephemeral' } }, { type: 'text', text: '' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { kind: 'url', url: 'data:image/png;base64,iVBORw0K' } }] },
      { role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.jpg' } }, { type: 'document', source: { kind: 'base64', mediaType: 'text/plain', data: Buffer.from('notes ü').toString('base64') }, filename: 'n.txt' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'from openai', signature: 'enc', signatureSource: 'openai' },
          { type: 'reasoning', text: 'mine', signature: 'EqQB', signatureSource: 'anthropic' },
          { type: 'text', text: '' },
          { type: 'tool_call', id: 'call_abc.1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: '' }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', callId: 'call_abc.1', content: [{ type: 'text', text: '12C' }] }] },
      { role: 'user', content: [{ type: 'text', text: 'and?' }, { type: 'tool_result', callId: 'call_2', isError: true, content: [{ type: 'text', text: '' }] }] }
    ],
    tools: [
      { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { name: 'get_time', parameters: {} },
      { name: 'loose', description: '', parameters: { properties: { a: { type: 'number' } } } }
    ],
    toolChoice: { type: 'auto' },
    parallelToolCalls: false,
    maxTokens: 500,
    temperature: 1.4,
    topP: 0.9,
    stop: ['\n', 'END'],
    seed: 7,
    user: 'u-1',
    metadata: { a: 'b' },
    stream: true
  }), 'claude-sonnet-4-5')
  t.same(body, {
    model: 'claude-sonnet-4-5',
    system: [{ type: 'text', text: 'Be terse.' }, { type: 'text', text: 'Dev note.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes ü' } }
        ]
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'mine', signature: 'EqQB' },
          { type: 'tool_use', id: 'call_abc_1', name: 'get_weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} }
        ]
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_abc_1', content: [{ type: 'text', text: '12C' }] },
          { type: 'tool_result', tool_use_id: 'call_2', is_error: true },
          { type: 'text', text: 'and?' }
        ]
      }
    ],
    tools: [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      { name: 'loose', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    max_tokens: 500,
    temperature: 1,
    top_p: 0.9,
    metadata: { user_id: 'u-1' },
    stop_sequences: ['END'],
    stream: true
  })
})

t.test('tool choice mapping, and none without tools', async (t) => {
  const tools = [{ name: 'f', parameters: { type: 'object' } }]
  t.same(toClaudeRequest(chat({ tools, toolChoice: { type: 'required' } }), 'm').tool_choice, { type: 'any' })
  t.same(toClaudeRequest(chat({ tools, toolChoice: { type: 'none' }, parallelToolCalls: false }), 'm').tool_choice, { type: 'none' })
  t.same(toClaudeRequest(chat({ tools, toolChoice: { type: 'tool', name: 'f' } }), 'm').tool_choice, { type: 'tool', name: 'f' })
  t.notOk('tool_choice' in toClaudeRequest(chat({ tools }), 'm'))
  t.notOk('tool_choice' in toClaudeRequest(chat({ toolChoice: { type: 'auto' }, parallelToolCalls: false }), 'm'), 'no tools, no tool_choice')
})

t.test('reasoning: budgets under max_tokens, effort none, forced tools, temperature', async (t) => {
  const high = toClaudeRequest(chat({ reasoning: { effort: 'high' }, temperature: 0.2, topK: 5, topP: 0.5 }), 'm')
  t.same(high.thinking, { type: 'enabled', budget_tokens: 24576 })
  t.equal(high.max_tokens, 24576 + 8192, 'no max_tokens given: room for the default answer')
  t.notOk('temperature' in high || 'top_k' in high || 'top_p' in high)
  t.equal(toClaudeRequest(chat({ reasoning: { effort: 'high' }, topP: 0.97 }), 'm').top_p, 0.97)

  const roomy = toClaudeRequest(chat({ reasoning: { budgetTokens: 2000 }, maxTokens: 16000 }), 'm')
  t.same([roomy.thinking, roomy.max_tokens], [{ type: 'enabled', budget_tokens: 2000 }, 16000])
  const tiny = toClaudeRequest(chat({ reasoning: { budgetTokens: 100 }, maxTokens: 300 }), 'm')
  t.same([tiny.thinking, tiny.max_tokens], [{ type: 'enabled', budget_tokens: 1024 }, 1324], 'budget floor 1024, max_tokens raised')
  const max = toClaudeRequest(chat({ reasoning: { effort: 'max' } }), 'm')
  t.same([max.thinking, max.max_tokens], [{ type: 'enabled', budget_tokens: 64000 - 8192 }, 64000], 'raised max_tokens is capped')

  t.notOk('thinking' in toClaudeRequest(chat({ reasoning: { effort: 'none' } }), 'm'))
  t.equal(toClaudeRequest(chat({}), 'm').max_tokens, 8192)
  const forced = toClaudeRequest(chat({ reasoning: { effort: 'low' }, tools: [{ name: 'f', parameters: {} }], toolChoice: { type: 'tool', name: 'f' }, temperature: 0.3 }), 'm')
  t.notOk('thinking' in forced, 'thinking cannot be combined with a forced tool')
  t.equal(forced.temperature, 0.3)
  t.equal(forced.max_tokens, 8192)
})

t.test('planTokens keeps 1024 <= budget < max_tokens', async (t) => {
  for (const max of [undefined, 1, 500, 1024, 1025, 4096, 8192, 32000, 64000, 100000]) {
    for (const budget of [1, 512, 1024, 8192, 24576, 65536, 200000]) {
      const plan = planTokens(max, budget)
      t.ok(plan.budget !== undefined && plan.budget >= 1024 && plan.budget < plan.maxTokens, `${String(max)}/${budget} → ${JSON.stringify(plan)}`)
      if (max !== undefined) t.ok(plan.maxTokens >= max, 'never lowers the client max_tokens')
    }
  }
})

t.test('a tool loop from another vendor keeps thinking off', async (t) => {
  const loop = chat({
    reasoning: { effort: 'medium' },
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'gemini thought', signature: 'x', signatureSource: 'gemini' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'user', content: [{ type: 'tool_result', callId: 'c1', content: [{ type: 'text', text: 'r' }] }] }
    ]
  })
  t.notOk('thinking' in toClaudeRequest(loop, 'm'))
  const signed = structuredClone(loop)
  signed.messages[1] = { role: 'assistant', content: [{ type: 'reasoning', text: 't', signature: 'EqQB', signatureSource: 'anthropic' }, { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] }
  t.same(toClaudeRequest(signed, 'm').thinking, { type: 'enabled', budget_tokens: 8192 })
  const finished = structuredClone(loop)
  finished.messages.push({ role: 'assistant', content: [{ type: 'text', text: 'done' }] }, { role: 'user', content: [{ type: 'text', text: 'next' }] })
  t.same(toClaudeRequest(finished, 'm').thinking, { type: 'enabled', budget_tokens: 8192 }, 'a new turn may think again')
})

t.test('response formats, prefill and audio', async (t) => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }
  t.same(toClaudeRequest(chat({ responseFormat: { type: 'json_schema', name: 'x', schema, strict: true } }), 'm').output_config, { format: { type: 'json_schema', schema } })
  t.same(toClaudeRequest(chat({ responseFormat: { type: 'json_object' } }), 'm').system, [{ type: 'text', text: JSON_OBJECT_INSTRUCTION }])
  t.notOk('output_config' in toClaudeRequest(chat({ reasoning: { effort: 'low' } }), 'm'), 'no effort unless a Claude client sent one')

  const prefill = toClaudeRequest(chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }, { role: 'assistant', content: [{ type: 'text', text: '{"a": ' }] }] }), 'm')
  t.same((prefill.messages as unknown[]).at(-1), { role: 'assistant', content: [{ type: 'text', text: '{"a":' }] })

  const err = catchError(() => toClaudeRequest(chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hear' }, { type: 'audio', data: 'UklG', format: 'wav' }] }] }), 'm'))
  t.ok(err instanceof GatewayError)
  t.match(err, { status: 400, param: 'messages[0].content[1]' })
})
