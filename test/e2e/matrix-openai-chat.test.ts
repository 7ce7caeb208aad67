import OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { runMatrix } from './matrix/run.js'
import { CLIENT_KEY, TOOLS, type Answer, type Ask, type SurfaceDriver } from './matrix/scenarios.js'

/** The OpenAI Chat Completions surface (`openai` SDK: create and stream().finalChatCompletion()) × every provider. */

interface Turn { messages: ChatCompletionMessageParam[], message: ChatCompletion.Choice['message'] }

function userMessage (a: Ask): ChatCompletionMessageParam {
  if (a.image === undefined) return { role: 'user', content: a.prompt }
  return { role: 'user', content: [{ type: 'text', text: a.prompt }, { type: 'image_url', image_url: { url: `data:image/png;base64,${a.image}` } }] }
}

function answer (res: ChatCompletion, messages: ChatCompletionMessageParam[]): Answer {
  const choice = res.choices[0]
  if (choice === undefined) throw new Error('no choice')
  const message = choice.message
  const reasoning = (message as unknown as { reasoning_content?: string }).reasoning_content
  return {
    text: message.content ?? '',
    reasoning: reasoning ?? '',
    calls: (message.tool_calls ?? []).flatMap(c => c.type === 'function' ? [{ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) as unknown }] : []),
    finish: choice.finish_reason,
    ...(res.usage === undefined ? {} : { usage: { input: res.usage.prompt_tokens, cached: res.usage.prompt_tokens_details?.cached_tokens ?? 0, output: res.usage.completion_tokens } }),
    turn: { messages, message } satisfies Turn
  }
}

const driver: SurfaceDriver = {
  name: 'OpenAI chat',
  protocol: 'openai',
  carriesSignatures: false,
  connect (baseUrl, model) {
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 })
    const send = async (messages: ChatCompletionMessageParam[], a: Omit<Ask, 'prompt'>): Promise<Answer> => {
      const params: Omit<ChatCompletionCreateParamsNonStreaming, 'stream'> = {
        model,
        messages,
        ...(a.tools === true ? { tools: TOOLS.map(f => ({ type: 'function' as const, function: f })) } : {}),
        ...(a.reasoning === true ? { reasoning_effort: 'high' as const } : {}),
        ...a.extra
      }
      if (!a.stream) return answer(await client.chat.completions.create(params), messages)
      // The SDK's accumulator assigns unknown delta fields instead of appending them: read reasoning off the chunks.
      let reasoning = ''
      const stream = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).on('chunk', chunk => {
        reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? ''
      })
      return { ...answer(await stream.finalChatCompletion(), messages), reasoning }
    }
    return {
      ask: async a => await send([userMessage(a)], a),
      async followUp (first, reply) {
        const turn = first.turn as Turn
        const next: ChatCompletionMessageParam[] = 'prompt' in reply
          ? [{ role: 'user', content: reply.prompt }]
          : first.calls.map(c => ({ role: 'tool', tool_call_id: c.id ?? '', content: reply.results(c) }))
        const assistant: ChatCompletionMessageParam = { role: 'assistant', content: turn.message.content, ...(turn.message.tool_calls === undefined ? {} : { tool_calls: turn.message.tool_calls }) }
        return await send([...turn.messages, assistant, ...next], { stream: false, tools: true })
      },
      rateLimited: err => ({ ok: err instanceof OpenAI.RateLimitError, retryAfter: err instanceof OpenAI.APIError ? err.headers?.get('retry-after') : undefined })
    }
  },
  rawText: (model, stream, extra) => ({ path: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: 'hello' }], stream, ...extra } })
}

runMatrix(driver)
