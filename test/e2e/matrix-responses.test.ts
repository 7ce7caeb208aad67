import OpenAI from 'openai'
import type { Response, ResponseCreateParamsNonStreaming, ResponseInputItem } from 'openai/resources/responses/responses'
import { runMatrix } from './matrix/run.js'
import { CLIENT_KEY, TOOLS, type Answer, type Ask, type SurfaceDriver } from './matrix/scenarios.js'

/** The Responses surface (`openai` SDK: responses.create and responses.stream().finalResponse()) × every provider. */

interface Turn { input: ResponseInputItem[], response: Response }

function userItem (a: Ask): ResponseInputItem {
  if (a.image === undefined) return { role: 'user', content: a.prompt }
  return {
    role: 'user',
    content: [{ type: 'input_text', text: a.prompt }, { type: 'input_image', image_url: `data:image/png;base64,${a.image}`, detail: 'auto' }]
  }
}

function answer (response: Response, input: ResponseInputItem[]): Answer {
  const calls = response.output.some(i => i.type === 'function_call')
  const out: Answer = {
    text: response.output_text,
    reasoning: '',
    calls: [],
    finish: response.status === 'incomplete' ? 'length' : calls ? 'tool_calls' : response.status === 'completed' ? 'stop' : String(response.status),
    ...(response.usage == null ? {} : { usage: { input: response.usage.input_tokens, cached: response.usage.input_tokens_details.cached_tokens, output: response.usage.output_tokens } }),
    turn: { input, response } satisfies Turn
  }
  for (const item of response.output) {
    if (item.type === 'reasoning') out.reasoning += item.summary.map(s => s.text).join('')
    else if (item.type === 'function_call') out.calls.push({ id: item.call_id, name: item.name, args: JSON.parse(item.arguments) as unknown })
  }
  return out
}

const driver: SurfaceDriver = {
  name: 'Responses',
  protocol: 'responses',
  carriesSignatures: true,
  connect (baseUrl, model) {
    const client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 })
    const send = async (input: ResponseInputItem[], a: Omit<Ask, 'prompt'>): Promise<Answer> => {
      const params: Omit<ResponseCreateParamsNonStreaming, 'stream'> = {
        model,
        input,
        ...(a.tools === true ? { tools: TOOLS.map(f => ({ type: 'function' as const, strict: false, ...f })) } : {}),
        ...(a.reasoning === true ? { reasoning: { effort: 'high' as const, summary: 'auto' as const }, include: ['reasoning.encrypted_content' as const] } : {}),
        ...a.extra
      }
      const response = a.stream ? await client.responses.stream(params).finalResponse() : await client.responses.create(params)
      return answer(response, input)
    }
    return {
      ask: async a => await send([userItem(a)], a),
      async followUp (first, reply) {
        const turn = first.turn as Turn
        // The usual client loop: the whole output goes back as input, then one output item per call.
        const next: ResponseInputItem[] = 'prompt' in reply
          ? [{ role: 'user', content: reply.prompt }]
          : first.calls.map(c => ({ type: 'function_call_output', call_id: c.id ?? '', output: reply.results(c) }))
        return await send([...turn.input, ...turn.response.output as ResponseInputItem[], ...next], { stream: false, tools: true })
      },
      rateLimited: err => ({ ok: err instanceof OpenAI.RateLimitError, retryAfter: err instanceof OpenAI.APIError ? err.headers?.get('retry-after') : undefined })
    }
  },
  rawText: (model, stream, extra) => ({ path: '/v1/responses', body: { model, input: 'hello', stream, ...extra } })
}

runMatrix(driver)
