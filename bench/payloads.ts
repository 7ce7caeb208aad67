import { encodeKiroFrame } from '../test/fakes/kiro-server.js'

/**
 * What the benchmark sends and what the fake upstream answers, built once: client bodies per surface and the
 * upstream's responses per protocol, pre-serialized so neither side spends CPU on JSON per request.
 */

export interface ShapeOptions {
  /** Content chunks in a stream (and pieces of the non-stream text). */
  chunks: number
  /** Characters of text per chunk. */
  chunkSize: number
}

export type UpstreamKind = 'openai' | 'anthropic' | 'gemini' | 'kiro'

export interface Canned {
  /** Non-stream body (JSON). For Kiro, whose API always streams, the same frames as the stream. */
  json: Buffer
  contentType: string
  /** Stream frames, one write each. */
  frames: Buffer[]
  streamContentType: string
}

const WORDS = 'the quick brown fox jumps over the lazy dog while a gateway relays every token '

export function piece (size: number, i: number): string {
  let text = ''
  while (text.length < size) text += WORDS
  const start = (i * 7) % WORDS.length
  return (text + text).slice(start, start + size)
}

function texts (o: ShapeOptions): string[] {
  return Array.from({ length: o.chunks }, (_, i) => piece(o.chunkSize, i))
}

const sse = (data: unknown, event?: string): Buffer =>
  Buffer.from(`${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)

function openai (o: ShapeOptions): Canned {
  const parts = texts(o)
  const usage = { prompt_tokens: 24, completion_tokens: o.chunks, total_tokens: 24 + o.chunks }
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-bench', system_fingerprint: 'fp_bench' }
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): Buffer =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })
  return {
    json: Buffer.from(JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-bench',
      choices: [{ index: 0, message: { role: 'assistant', content: parts.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
      system_fingerprint: 'fp_bench'
    })),
    contentType: 'application/json',
    frames: [
      chunk({ role: 'assistant', content: '', refusal: null }, null),
      ...parts.map(text => chunk({ content: text }, null)),
      chunk({}, 'stop'),
      sse({ ...base, choices: [], usage }),
      sse('[DONE]')
    ],
    streamContentType: 'text/event-stream; charset=utf-8'
  }
}

function anthropic (o: ShapeOptions): Canned {
  const parts = texts(o)
  const message = { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench' }
  return {
    json: Buffer.from(JSON.stringify({
      ...message,
      content: [{ type: 'text', text: parts.join('') }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 24, output_tokens: o.chunks, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
    })),
    contentType: 'application/json',
    frames: [
      sse({ type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 24, output_tokens: 1 } } }, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sse({ type: 'ping' }, 'ping'),
      ...parts.map(text => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: o.chunks } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop')
    ],
    streamContentType: 'text/event-stream; charset=utf-8'
  }
}

function gemini (o: ShapeOptions): Canned {
  const parts = texts(o)
  const usageMetadata = { promptTokenCount: 24, candidatesTokenCount: o.chunks, totalTokenCount: 24 + o.chunks }
  const candidate = (text: string, finish?: string): Record<string, unknown> => ({
    content: { role: 'model', parts: [{ text }] }, index: 0, ...(finish === undefined ? {} : { finishReason: finish })
  })
  const frame = (body: unknown): Buffer => Buffer.from(`data: ${JSON.stringify(body)}\r\n\r\n`)
  return {
    json: Buffer.from(JSON.stringify({ candidates: [candidate(parts.join(''), 'STOP')], usageMetadata, modelVersion: 'gemini-bench', responseId: 'bench' })),
    contentType: 'application/json; charset=UTF-8',
    frames: parts.map((text, i) => frame({
      candidates: [candidate(text, i === parts.length - 1 ? 'STOP' : undefined)],
      ...(i === parts.length - 1 ? { usageMetadata } : {}),
      modelVersion: 'gemini-bench',
      responseId: 'bench'
    })),
    streamContentType: 'text/event-stream'
  }
}

function kiro (o: ShapeOptions): Canned {
  const frames = [
    ...texts(o).map(content => encodeKiroFrame({ eventType: 'assistantResponseEvent', payload: { content } })),
    encodeKiroFrame({ eventType: 'meteringEvent', payload: { unit: 'credit', unitPlural: 'credits', usage: 0.01 } }),
    encodeKiroFrame({ eventType: 'contextUsageEvent', payload: { contextUsagePercentage: 0.5 } }),
    encodeKiroFrame({ eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 24, outputTokens: o.chunks, totalTokens: 24 + o.chunks } } })
  ].map(f => Buffer.from(f))
  return { json: Buffer.concat(frames), contentType: 'application/vnd.amazon.eventstream', frames, streamContentType: 'application/vnd.amazon.eventstream' }
}

export function cannedResponses (o: ShapeOptions): Record<UpstreamKind, Canned> {
  return { openai: openai(o), anthropic: anthropic(o), gemini: gemini(o), kiro: kiro(o) }
}

/** A short conversation: a system prompt, one earlier turn, the question. */
const SYSTEM = 'You are a concise assistant. Answer in one short paragraph.'
const HISTORY = [
  { role: 'user' as const, text: 'What does an API gateway do?' },
  { role: 'assistant' as const, text: 'It sits between clients and services, routing, authenticating and translating requests.' },
  { role: 'user' as const, text: 'And what does it cost in latency?' }
]

export type Surface = 'openai' | 'anthropic' | 'gemini' | 'kiro'

/** A client request body in a surface's own format. */
export function clientBody (surface: Surface, model: string, stream: boolean): Buffer {
  switch (surface) {
    case 'openai':
      return Buffer.from(JSON.stringify({
        model,
        messages: [{ role: 'system', content: SYSTEM }, ...HISTORY.map(m => ({ role: m.role, content: m.text }))],
        max_tokens: 256,
        temperature: 0.2,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {})
      }))
    case 'anthropic':
      return Buffer.from(JSON.stringify({
        model,
        system: SYSTEM,
        messages: HISTORY.map(m => ({ role: m.role, content: m.text })),
        max_tokens: 256,
        temperature: 0.2,
        ...(stream ? { stream: true } : {})
      }))
    case 'gemini':
      return Buffer.from(JSON.stringify({
        systemInstruction: { parts: [{ text: SYSTEM }] },
        contents: HISTORY.map(m => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.text }] })),
        generationConfig: { maxOutputTokens: 256, temperature: 0.2 }
      }))
    case 'kiro':
      // What the gateway would send Kiro (the floor and direct runs forward it as is).
      return Buffer.from(JSON.stringify({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: '00000000-0000-4000-8000-000000000000',
          currentMessage: { userInputMessage: { content: `${SYSTEM}\n\n${HISTORY.at(-1)?.text ?? ''}`, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: HISTORY.slice(0, -1).map(m => m.role === 'user'
            ? { userInputMessage: { content: m.text, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } }
            : { assistantResponseMessage: { content: m.text } })
        }
      }))
  }
}
