import t from 'tap'
import type { ChatRequest } from '../../schemas/canonical.js'
import { toKiroRequest, type KiroRequestOptions } from '../../providers/claude-kiro-oauth/request.js'
import { kiroToolName, sanitizeSchema, KIRO_TOOL_DESCRIPTION_MAX } from '../../providers/claude-kiro-oauth/request-tools.js'
import { kiroThinkingFields } from '../../providers/claude-kiro-oauth/request-thinking.js'
import { isGatewayError } from '../../plugins/gateway-error.js'

const LONG = 'mcp__workspace_tools__search_the_entire_repository_for_symbol_definitions_and_usages'
const LONG_KIRO = 'mcp__workspace_tools__search_the_entire_repository_for__65f7d31c'
const ARN = 'arn:aws:codewhisperer:us-east-1:123456789012:profile/ABCDEF'

const opts: KiroRequestOptions = { model: 'claude-sonnet-4.6', profileArn: ARN, conversationId: 'conv-1', continuationId: 'cont-1' }

function request (overrides: Partial<ChatRequest>): ChatRequest {
  return { model: 'claude-sonnet-4-6', system: [], messages: [], stream: true, ...overrides }
}

t.test('a full conversation: system folding, merging, tool calls and results, images, tools, thinking', async (t) => {
  const req = request({
    system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Use metric units.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
      { role: 'user', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.', signature: 'sig', signatureSource: 'anthropic' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_call', id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { type: 'tool_call', id: 'tooluse_2', name: LONG, arguments: '{"symbol":"main"}' }
        ]
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            callId: 'tooluse_1',
            content: [{ type: 'text', text: '12°C, light snow' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/jpg', data: '/9j/4AAQ' } }]
          },
          { type: 'tool_result', callId: 'tooluse_2', content: [], isError: true }
        ]
      }
    ],
    tools: [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { city: { type: 'string' }, $filter: { type: 'string' } },
          required: ['city', '$filter'],
          additionalProperties: false
        }
      },
      { name: LONG, description: 'x'.repeat(12_000), parameters: { type: 'object', properties: {}, required: [] } }
    ],
    reasoning: { effort: 'high' },
    temperature: 0.2,
    maxTokens: 1000
  })
  const { body, toolNameMap } = toKiroRequest(req, opts)
  t.same(body, {
    profileArn: ARN,
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'conv-1',
      agentTaskType: 'vibe',
      agentContinuationId: 'cont-1',
      history: [
        {
          userInputMessage: {
            content: 'You are terse.\n\nUse metric units.\n\nWeather in Oslo?',
            modelId: 'claude-sonnet-4.6',
            origin: 'AI_EDITOR',
            images: [{ format: 'png', source: { bytes: 'iVBORw0KGgo=' } }]
          }
        },
        {
          assistantResponseMessage: {
            content: 'Checking.',
            toolUses: [
              { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Oslo' } },
              { toolUseId: 'tooluse_2', name: LONG_KIRO, input: { symbol: 'main' } }
            ]
          }
        }
      ],
      currentMessage: {
        userInputMessage: {
          content: 'Tool results provided.',
          modelId: 'claude-sonnet-4.6',
          origin: 'AI_EDITOR',
          images: [{ format: 'jpeg', source: { bytes: '/9j/4AAQ' } }],
          userInputMessageContext: {
            toolResults: [
              { toolUseId: 'tooluse_1', content: [{ text: '12°C, light snow' }], status: 'success' },
              { toolUseId: 'tooluse_2', content: [{ text: '.' }], status: 'error' }
            ],
            tools: [
              {
                toolSpecification: {
                  name: 'get_weather',
                  description: 'Current weather for a city',
                  inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
                }
              },
              {
                toolSpecification: {
                  name: LONG_KIRO,
                  description: 'x'.repeat(KIRO_TOOL_DESCRIPTION_MAX),
                  inputSchema: { json: { type: 'object', properties: {} } }
                }
              }
            ]
          },
          additionalModelRequestFields: { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } }
        }
      }
    }
  })
  t.same([...toolNameMap], [['get_weather', 'get_weather'], [LONG_KIRO, LONG]])
})

t.test('a single user turn: system folded into the current message, no history', async (t) => {
  const { body } = toKiroRequest(request({
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'there' }] }]
  }), { model: 'claude-sonnet-4.5', conversationId: 'c' })
  t.same(body, {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'c',
      agentTaskType: 'vibe',
      currentMessage: { userInputMessage: { content: 'Be brief.\n\nHi\n\nthere', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } }
    }
  })
})

t.test('the wire text keeps the IDE key order', async (t) => {
  const { body } = toKiroRequest(request({
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'tool_result', callId: 't', content: [{ type: 'text', text: 'ok' }] }] }],
    tools: [{ name: 'f', description: 'd', parameters: { type: 'object' } }]
  }), opts)
  t.equal(JSON.stringify(body),
    '{"profileArn":"' + ARN + '","conversationState":{"chatTriggerType":"MANUAL","conversationId":"conv-1","agentTaskType":"vibe",' +
    '"agentContinuationId":"cont-1","currentMessage":{"userInputMessage":{"content":"Hi","modelId":"claude-sonnet-4.6","origin":"AI_EDITOR",' +
    '"userInputMessageContext":{"tools":[{"toolSpecification":{"name":"f","description":"d","inputSchema":{"json":{"type":"object"}}}}],' +
    '"toolResults":[{"toolUseId":"t","content":[{"text":"ok"}],"status":"success"}]}}}}}')
})

t.test('a trailing assistant turn (prefill) goes to history; the current message is "Continue"', async (t) => {
  const { body } = toKiroRequest(request({
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Write JSON' }] },
      { role: 'assistant', content: [{ type: 'text', text: '{' }] }
    ]
  }), { ...opts, origin: 'KIRO_CLI' })
  t.same(body.conversationState.history, [
    { userInputMessage: { content: 'Write JSON', modelId: 'claude-sonnet-4.6', origin: 'KIRO_CLI' } },
    { assistantResponseMessage: { content: '{' } }
  ])
  t.same(body.conversationState.currentMessage.userInputMessage, { content: 'Continue', modelId: 'claude-sonnet-4.6', origin: 'KIRO_CLI' })
})

t.test('a conversation that starts with the assistant gets a user turn first (carrying the system text)', async (t) => {
  const { body } = toKiroRequest(request({
    system: [{ type: 'text', text: 'Sys' }],
    messages: [
      { role: 'assistant', content: [{ type: 'tool_call', id: 't1', name: 'ls', arguments: '' }] },
      { role: 'user', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: 'UklGR' } }] }
    ]
  }), opts)
  t.same(body.conversationState.history, [
    { userInputMessage: { content: 'Sys', modelId: 'claude-sonnet-4.6', origin: 'AI_EDITOR' } },
    { assistantResponseMessage: { content: '.', toolUses: [{ toolUseId: 't1', name: 'ls', input: {} }] } }
  ])
  t.same(body.conversationState.currentMessage.userInputMessage, {
    content: '.',
    modelId: 'claude-sonnet-4.6',
    origin: 'AI_EDITOR',
    images: [{ format: 'webp', source: { bytes: 'UklGR' } }]
  })
})

t.test('duplicate results for one tool call are merged; text documents are text', async (t) => {
  const { body } = toKiroRequest(request({
    messages: [{
      role: 'user',
      content: [
        { type: 'tool_result', callId: 'a', content: [{ type: 'text', text: 'one' }] },
        { type: 'tool_result', callId: 'a', content: [{ type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'two' } }], isError: true },
        { type: 'document', source: { kind: 'text', mediaType: 'text/plain', data: 'notes' } }
      ]
    }]
  }), opts)
  const message = body.conversationState.currentMessage.userInputMessage
  t.equal(message.content, 'notes')
  t.same(message.userInputMessageContext?.toolResults, [{ toolUseId: 'a', content: [{ text: 'one' }, { text: 'two' }], status: 'error' }])
})

t.test('what Kiro cannot carry is a 400 naming the field', async (t) => {
  const cases: Array<[ChatRequest, string]> = [
    [request({ messages: [] }), 'messages'],
    [request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] }] }), 'messages[0].content[1]'],
    [request({ messages: [{ role: 'user', content: [{ type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' } }] }] }), 'messages[0].content[0]'],
    [request({ messages: [{ role: 'user', content: [{ type: 'audio', data: 'UklG', format: 'wav' }] }] }), 'messages[0].content[0]'],
    [request({ messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'base64', mediaType: 'image/tiff', data: 'SUkq' } }] }] }), 'messages[0].content[0]'],
    [request({ messages: [{ role: 'user', content: [{ type: 'tool_result', callId: 'a', content: [{ type: 'image', source: { kind: 'file', fileId: 'f1' } }] }] }] }), 'messages[0].content[0].content[0]']
  ]
  for (const [req, param] of cases) {
    try {
      toKiroRequest(req, opts)
      t.fail(`expected a 400 for ${param}`)
    } catch (err) {
      t.ok(isGatewayError(err) && err.status === 400 && err.param === param, `400 naming ${param}`)
    }
  }
})

t.test('thinking: the adaptive envelope only for models that take it', async (t) => {
  const req = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], reasoning: { effort: 'medium' } })
  t.notOk('additionalModelRequestFields' in toKiroRequest(req, { ...opts, model: 'claude-sonnet-4.5' }).body.conversationState.currentMessage.userInputMessage)
  t.same(toKiroRequest(req, { ...opts, model: 'custom-model', adaptiveThinking: true }).body.conversationState.currentMessage.userInputMessage.additionalModelRequestFields,
    { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'medium' } })
  t.same(kiroThinkingFields({ effort: 'none' }, true), { thinking: { type: 'disabled' } })
  t.same(kiroThinkingFields({ budgetTokens: 1024, includeThoughts: false }, true), { thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'low' } })
  t.same(kiroThinkingFields({ budgetTokens: 0 }, true), { thinking: { type: 'disabled' } })
  t.same(kiroThinkingFields({ includeThoughts: true }, true), { thinking: { type: 'adaptive', display: 'summarized' } })
  t.same(kiroThinkingFields({ effort: 'minimal' }, true), { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'low' } })
  t.equal(kiroThinkingFields(undefined, true), undefined)
})

t.test('JSON response formats become an instruction in the system text', async (t) => {
  const { body } = toKiroRequest(request({
    messages: [{ role: 'user', content: [{ type: 'text', text: 'List two colours' }] }],
    responseFormat: { type: 'json_schema', schema: { type: 'array', items: { type: 'string' } } }
  }), opts)
  t.equal(body.conversationState.currentMessage.userInputMessage.content,
    'Respond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n{"type":"array","items":{"type":"string"}}\n\nList two colours')
})

t.test('tool names: deterministic, ≤ 64 characters, short names untouched', async (t) => {
  t.equal(kiroToolName(LONG), LONG_KIRO)
  t.equal(kiroToolName(LONG).length, 64)
  t.equal(kiroToolName('a'.repeat(64)), 'a'.repeat(64))
  t.not(kiroToolName('a'.repeat(65)), kiroToolName('a'.repeat(66)))
})

t.test('schema sanitizing is recursive and keeps property names that look like keywords', async (t) => {
  t.same(sanitizeSchema({
    type: 'object',
    properties: {
      required: { type: 'string' },
      nested: { type: 'object', properties: { $ref_like: { type: 'string' }, ok: { type: 'number' } }, additionalProperties: { type: 'string' }, required: [] },
      list: { type: 'array', items: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] } }
    }
  }), {
    type: 'object',
    properties: {
      required: { type: 'string' },
      nested: { type: 'object', properties: { ok: { type: 'number' } } },
      list: { type: 'array', items: { anyOf: [{ type: 'object' }, { type: 'null' }] } }
    }
  })
})
