import type { Protocol } from '../../../schemas/canonical.js'
import type { Script } from '../../fakes/script.js'

/** The matrix's scenarios (upstream scripts), the tools the client declares, and the client-driver contract. */

export const CLIENT_KEY = 'sk-matrix-client-key-1234'

/** A 1×1 PNG. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

export interface ToolSpec {
  name: string
  description: string
  parameters: { type: 'object', properties: Record<string, Record<string, unknown>>, required: string[] }
}

export const TOOLS: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, units: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] }
  },
  {
    name: 'get_time',
    description: 'Local time in a time zone',
    parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] }
  }
]

export const TOOL_OUTPUTS: Record<string, string> = { get_weather: '12C and clear', get_time: '14:05' }

export const SCRIPTS = {
  text: { text: 'Hello there, friend. Nice to meet you.', usage: { input: 21, output: 9, cached: 8 } },
  tools: {
    toolCalls: [
      { id: 'call_w1', name: 'get_weather', args: { city: 'Oslo', units: 'celsius' } },
      { id: 'call_t2', name: 'get_time', args: { tz: 'Europe/Oslo' } }
    ],
    usage: { input: 80, output: 30 }
  },
  afterTools: { text: 'It is 12C and clear in Oslo, and 14:05.' },
  image: { text: 'A single red pixel.' },
  reasoning: {
    reasoning: { text: 'The user greets me, so I answer briefly and warmly.', signature: 'RXFRQkNrWUlCUkFDR0FJ' },
    text: 'Hi! How can I help?',
    usage: { input: 30, output: 40, reasoning: 25 }
  },
  thinkingTools: {
    reasoning: { text: 'I need both the weather and the time.', signature: 'RXFRQkNrWUlCUkFDR0FK' },
    text: 'Let me check.',
    toolCalls: [
      { id: 'call_w3', name: 'get_weather', args: { city: 'Bergen' } },
      { id: 'call_t4', name: 'get_time', args: { tz: 'Europe/Oslo' } }
    ]
  },
  rateLimit: { error: { status: 429, message: 'Rate limit reached for requests', headers: { 'retry-after': '7' } } }
} satisfies Record<string, Script>

/** What a client asks for; each driver writes it in its own protocol. */
export interface Ask {
  prompt: string
  stream: boolean
  tools?: boolean
  /** base64 PNG sent with the prompt. */
  image?: string
  reasoning?: boolean
  /** Unknown top-level fields the SDK sends as they are. */
  extra?: Record<string, unknown>
}

export interface AnswerCall { id?: string, name: string, args: unknown }

/** What the client got, read through its SDK. */
export interface Answer {
  text: string
  /** Reasoning text, where the client protocol has a form for it. */
  reasoning: string
  calls: AnswerCall[]
  /** Why the model stopped, in OpenAI's words (each driver maps its protocol's reason). */
  finish: string
  /** Total input (cache reads included), cache reads, and output (reasoning included) tokens, when reported. */
  usage?: { input: number, cached: number, output: number }
  /** The driver's own state for a follow-up turn (request history and the SDK's response). */
  turn: unknown
}

/** The next turn after an answer: one result per tool call, or a new user prompt. */
export type Reply = { results: (call: AnswerCall) => string } | { prompt: string }

export interface SurfaceClient {
  ask(a: Ask): Promise<Answer>
  /** Sends the answer back as an assistant turn (as the SDK returned it), then the reply. */
  followUp(first: Answer, reply: Reply): Promise<Answer>
  /** The protocol's token count endpoint (Claude count_tokens, Gemini countTokens), where it has one. */
  countTokens?(prompt: string): Promise<number>
  /** Whether the caught error is the SDK's rate-limit error; its retry-after where the SDK exposes headers. */
  rateLimited(err: unknown): { ok: boolean, retryAfter?: string | null }
}

export interface SurfaceDriver {
  name: string
  protocol: Protocol
  /** The protocol has a slot for reasoning signatures that clients send back (Claude, Gemini, Responses). */
  carriesSignatures: boolean
  connect(baseUrl: string, model: string): SurfaceClient
  /** The raw HTTP request for a plain text prompt (passthrough byte checks bypass the SDK). */
  rawText(model: string, stream: boolean, extra: Record<string, unknown>): { path: string, body: Record<string, unknown> }
}
