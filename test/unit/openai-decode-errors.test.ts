import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import { openaiChatCodec } from '../../routes/openai/codec/index.js'
import { OpenAIChatRequest } from '../../schemas/openai/chat-request.js'
import { GatewayError } from '../../plugins/gateway-error.js'
import { fixedContext } from './openai-helpers.js'

/** Decodes a body after checking it against the route schema, as the route does. */
function decode (body: Record<string, unknown>) {
  if (!Value.Check(OpenAIChatRequest, body)) throw new Error(`schema rejected: ${JSON.stringify([...Value.Errors(OpenAIChatRequest, body)][0])}`)
  return openaiChatCodec.decodeRequest(body as OpenAIChatRequest, fixedContext())
}

/** The GatewayError a body fails with (the test fails when it decodes). */
function decodeError (body: Record<string, unknown>): GatewayError | undefined {
  try {
    decode(body)
  } catch (err) {
    if (err instanceof GatewayError) return err
    throw err
  }
  return undefined
}

t.test('errors name the field', async (t) => {
  const bad = (param: string, message: RegExp) => ({ status: 400, kind: 'invalid_request', param, message })
  const user = (content: unknown) => ({ model: 'm', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'a' }, { role: 'user', content }] })
  t.match(decodeError(user([{ type: 'image_url', image_url: { url: 'ftp://example.com/x.png' } }])), bad('messages[2].content[0].image_url.url', /http\(s\) URL or a data URL/))
  t.match(decodeError(user([{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'data:image/png,notbase64' } }])), bad('messages[2].content[1].image_url.url', /base64 data URL/))
  t.match(decodeError(user([{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'ultra' } }])), bad('messages[2].content[0].image_url.detail', /auto, low, high/))
  t.match(decodeError(user([{ type: 'image_url' }])), bad('messages[2].content[0].image_url', /required/))
  t.match(decodeError(user([{ type: 'video_url', video_url: 'x' }])), bad('messages[2].content[0].type', /"video_url" is not supported in user content/))
  t.match(decodeError(user([{ type: 'text' }])), bad('messages[2].content[0].text', /must be a string/))
  t.match(decodeError(user([{ type: 'file', file: {} }])), bad('messages[2].content[0].file', /file_data or file_id/))
  t.match(decodeError(user(null)), bad('messages[2].content', /required for a user message/))
  t.match(decodeError({ model: 'm', messages: [] }), bad('messages', /at least one/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }), bad('messages[0].tool_call_id', /required/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'function', content: 'x' }] }), bad('messages[0].name', /required/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }] }), bad('messages[0].content[0].type', /system content/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'assistant', content: [{ type: 'refusal' }] }] }), bad('messages[0].content[0].refusal', /must be a string/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'g', input: 'x' } }] }] }), bad('messages[0].tool_calls[0].type', /only function tool calls/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] }), bad('tools[0].function', /required/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'any', tools: [] } } }), bad('tool_choice.allowed_tools.mode', /auto/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'mcp' } }), bad('tool_choice.type', /not supported/))
  t.match(decodeError({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema' } }), bad('response_format.json_schema', /required/))
})

t.test('the schema accepts sloppy real-world bodies and rejects broken ones', async (t) => {
  t.ok(Value.Check(OpenAIChatRequest, {
    model: 'm',
    messages: [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }], name: null, vendor_field: 1 },
      { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: 'ok', cache_control: { type: 'ephemeral' } }] }
    ],
    temperature: null,
    stop: null,
    x_vendor: { a: 1 }
  }))
  t.notOk(Value.Check(OpenAIChatRequest, { messages: [] }), 'model is required')
  t.notOk(Value.Check(OpenAIChatRequest, { model: 'm' }), 'messages are required')
  t.notOk(Value.Check(OpenAIChatRequest, { model: 'm', messages: [{ role: 'robot', content: 'x' }] }), 'roles are checked')
  t.notOk(Value.Check(OpenAIChatRequest, { model: 'm', messages: [], reasoning_effort: 'extreme' }), 'efforts are checked')
})
