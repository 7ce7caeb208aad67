import Anthropic from '@anthropic-ai/sdk'
import { runMatrix } from './matrix/run.js'
import { CLIENT_KEY, TOOLS, type Answer, type Ask, type SurfaceDriver } from './matrix/scenarios.js'

/** The Claude Messages surface (`@anthropic-ai/sdk`: create and messages.stream().finalMessage()) × every provider. */

interface Turn { messages: Anthropic.MessageParam[], message: Anthropic.Message }

function userMessage (a: Ask): Anthropic.MessageParam {
  if (a.image === undefined) return { role: 'user', content: a.prompt }
  return {
    role: 'user',
    content: [{ type: 'text', text: a.prompt }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: a.image } }]
  }
}

const FINISH: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length', stop_sequence: 'stop' }

function answer (message: Anthropic.Message, messages: Anthropic.MessageParam[]): Answer {
  const u = message.usage
  const out: Answer = {
    text: '',
    reasoning: '',
    calls: [],
    finish: FINISH[message.stop_reason ?? ''] ?? String(message.stop_reason),
    // input_tokens excludes the cached ones (FORMATS.md §7 usage).
    usage: { input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), cached: u.cache_read_input_tokens ?? 0, output: u.output_tokens },
    turn: { messages, message } satisfies Turn
  }
  for (const block of message.content) {
    if (block.type === 'text') out.text += block.text
    else if (block.type === 'thinking') out.reasoning += block.thinking
    else if (block.type === 'tool_use') out.calls.push({ id: block.id, name: block.name, args: block.input })
  }
  return out
}

const driver: SurfaceDriver = {
  name: 'Claude',
  protocol: 'anthropic',
  carriesSignatures: true,
  connect (baseUrl, model) {
    const client = new Anthropic({ apiKey: CLIENT_KEY, baseURL: baseUrl, maxRetries: 0 })
    const send = async (messages: Anthropic.MessageParam[], a: Omit<Ask, 'prompt'>): Promise<Answer> => {
      const params: Anthropic.MessageCreateParamsNonStreaming = {
        model,
        max_tokens: 4096,
        messages,
        ...(a.tools === true ? { tools: TOOLS.map(f => ({ name: f.name, description: f.description, input_schema: f.parameters })) } : {}),
        ...(a.reasoning === true ? { thinking: { type: 'enabled', budget_tokens: 2048 } } : {}),
        ...a.extra
      }
      const message = a.stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params)
      return answer(message, messages)
    }
    return {
      ask: async a => await send([userMessage(a)], a),
      async followUp (first, reply) {
        const turn = first.turn as Turn
        const next: Anthropic.MessageParam['content'] = 'prompt' in reply
          ? reply.prompt
          : first.calls.map(c => ({ type: 'tool_result', tool_use_id: c.id ?? '', content: reply.results(c) }))
        return await send([...turn.messages, { role: 'assistant', content: turn.message.content }, { role: 'user', content: next }], { stream: false, tools: true })
      },
      countTokens: async prompt => (await client.messages.countTokens({ model, messages: [{ role: 'user', content: prompt }] })).input_tokens,
      rateLimited: err => ({ ok: err instanceof Anthropic.RateLimitError, retryAfter: err instanceof Anthropic.APIError ? err.headers?.get('retry-after') : undefined })
    }
  },
  rawText: (model, stream, extra) => ({ path: '/v1/messages', body: { model, max_tokens: 1024, messages: [{ role: 'user', content: 'hello' }], stream, ...extra } })
}

runMatrix(driver)
