import t, { type Test } from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { GoogleGenAI, type GenerateContentParameters } from '@google/genai'
import type { RecordedRequest } from '../fakes/http-fake.js'
import { completionBody, completionFrames, startFakeOpenAI } from '../fakes/openai-upstream.js'
import { RESPONSES_MODEL, responseBody, responseEvents, startFakeResponses } from '../fakes/responses-upstream.js'
import { ANTHROPIC_MODEL, messageBody, messageEvents, startFakeAnthropic } from '../fakes/anthropic-upstream.js'
import { GEMINI_MODEL, generateBody, generateChunks, startFakeGemini } from '../fakes/gemini-upstream.js'
import { READY_PROJECT, startFakeCodeAssist } from '../fakes/code-assist.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { CLAUDE_SHAPES, GEMINI_SHAPES, OPENAI_SHAPES, RESPONSES_SHAPES, type Json, type Shape } from '../fixtures/passthrough-shapes.js'

/**
 * Passthrough forwards what the gateway cannot translate. Each request shape below was refused with a 400 by the
 * gateway before routes checked only the routing envelope (model, stream): its full schema or its decoder rejected
 * it although the same-protocol upstream would have judged it. Every shape goes through every passthrough pair of
 * its protocol (OpenAI chat → openai-custom, Responses → openaiResponses-custom, Claude → claude-custom, Gemini →
 * gemini-custom and gemini-cli-oauth), non-stream and, for some, stream, by raw fetch; one shape per pair each way
 * through the official SDK too, whose parsers judge the answer. Each case checks that the upstream received the
 * client's body unchanged (the same bytes where the gateway forwards bytes; inside the Code Assist wrapper for
 * gemini-cli-oauth) and that the client got the upstream's answer.
 */

type Protocol = 'openai' | 'responses' | 'anthropic' | 'gemini'
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

const UPSTREAM_KEY = 'upstream-secret-key-42'
/** A client protocol: its shapes, how a client puts one on the wire, and the SDK calls that carry one shape each. */
interface Surface {
  protocol: Protocol
  shapes: Shape[]
  wire(model: string, shape: Shape, stream: boolean): { path: string, body: Json }
  headers: Record<string, string>
  /** The SDK's answer text for one shape, non-stream and stream; `fetch` records what the SDK sent. */
  sdk: Array<{ name: string, stream: boolean, run(gw: TestGateway, model: string, fetch: FetchLike): Promise<string | undefined> }>
}

function shapeNamed (shapes: Shape[], name: string): Shape {
  const shape = shapes.find(s => s.name === name)
  if (shape === undefined) throw new Error(`no shape "${name}"`)
  return shape
}

const topLevel = (path: string) => (model: string, shape: Shape, stream: boolean) => ({ path, body: { model, ...shape.body, ...(stream ? { stream: true } : {}) } })

const openaiClient = (gw: TestGateway, fetch: FetchLike): OpenAI => new OpenAI({ apiKey: 'unused', baseURL: `${gw.url}/v1`, maxRetries: 0, fetch })
const anthropicClient = (gw: TestGateway, fetch: FetchLike): Anthropic => new Anthropic({ apiKey: 'unused', baseURL: gw.url, maxRetries: 0, fetch })
const genaiClient = (gw: TestGateway, fetch: FetchLike): GoogleGenAI => new GoogleGenAI({ apiKey: 'unused', httpOptions: { baseUrl: gw.url, fetch } })

const SURFACES: Record<Protocol, Surface> = {
  openai: {
    protocol: 'openai',
    shapes: OPENAI_SHAPES,
    wire: topLevel('/v1/chat/completions'),
    headers: {},
    sdk: [
      {
        name: 'an assistant custom tool call in the history',
        stream: false,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(OPENAI_SHAPES, this.name).body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming
          return (await openaiClient(gw, fetch).chat.completions.create(params)).choices[0]?.message.content ?? undefined
        }
      },
      {
        name: 'an image part in a system message',
        stream: true,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(OPENAI_SHAPES, this.name).body } as unknown as OpenAI.ChatCompletionCreateParamsStreaming
          return (await openaiClient(gw, fetch).chat.completions.stream(params).finalChatCompletion()).choices[0]?.message.content ?? undefined
        }
      }
    ]
  },
  responses: {
    protocol: 'responses',
    shapes: RESPONSES_SHAPES,
    wire: topLevel('/v1/responses'),
    headers: {},
    sdk: [
      {
        name: 'an item_reference as the only input',
        stream: false,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(RESPONSES_SHAPES, this.name).body } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming
          return (await openaiClient(gw, fetch).responses.create(params)).output_text
        }
      },
      {
        name: 'an input_image part in a developer message',
        stream: true,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(RESPONSES_SHAPES, this.name).body } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming
          return (await openaiClient(gw, fetch).responses.stream(params).finalResponse()).output_text
        }
      }
    ]
  },
  anthropic: {
    protocol: 'anthropic',
    shapes: CLAUDE_SHAPES,
    wire: topLevel('/v1/messages'),
    headers: { 'anthropic-version': '2023-06-01' },
    sdk: [
      {
        name: 'a tool_use block in a user turn',
        stream: false,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(CLAUDE_SHAPES, this.name).body } as unknown as Anthropic.MessageCreateParamsNonStreaming
          const block = (await anthropicClient(gw, fetch).messages.create(params)).content[0]
          return block?.type === 'text' ? block.text : undefined
        }
      },
      {
        name: 'a thinking block in a user turn',
        stream: true,
        async run (gw, model, fetch) {
          const params = { model, ...shapeNamed(CLAUDE_SHAPES, this.name).body } as unknown as Anthropic.MessageStreamParams
          const block = (await anthropicClient(gw, fetch).messages.stream(params).finalMessage()).content[0]
          return block?.type === 'text' ? block.text : undefined
        }
      }
    ]
  },
  gemini: {
    protocol: 'gemini',
    shapes: GEMINI_SHAPES,
    wire: (model, shape, stream) => ({ path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, body: shape.body }),
    headers: {},
    sdk: [
      {
        name: 'a functionCall part in a user turn',
        stream: false,
        async run (gw, model, fetch) {
          const params: GenerateContentParameters = {
            model,
            contents: [{ role: 'user', parts: [{ text: 'I looked it up myself:' }, { functionCall: { name: 'get_time', args: { tz: 'Europe/Oslo' } } }] }]
          }
          return (await genaiClient(gw, fetch).models.generateContent(params)).text
        }
      },
      {
        name: 'thinkingBudget together with thinkingLevel',
        stream: true,
        async run (gw, model, fetch) {
          const params: GenerateContentParameters = {
            model,
            contents: 'Think it over.',
            config: { thinkingConfig: { thinkingBudget: 1024, thinkingLevel: 'HIGH' as never, includeThoughts: true } }
          }
          let text = ''
          for await (const chunk of await genaiClient(gw, fetch).models.generateContentStream(params)) text += chunk.text ?? ''
          return text
        }
      }
    ]
  }
}

/** One passthrough pair's upstream: a fake, the gateway config that reaches it, and what it answers. */
interface Upstream {
  config: Json
  /** The chat requests it received so far. */
  calls(): RecordedRequest[]
  /** The client's body as it arrived upstream (Code Assist: the wrapper's `request`). */
  clientBodyOf(req: RecordedRequest): unknown
  /** The gateway forwards the client's bytes (OpenAI, Responses, Claude); Gemini bodies are re-serialized. */
  sameBytes: boolean
  /** Checks the rest of what arrived (the Code Assist wrapper). */
  checkEnvelope?(t: Test, req: RecordedRequest): void
  /** What the client should get back: the JSON answer, the stream's bytes, the answer text. */
  answer: { json: unknown, stream: string, text: string }
  close(): Promise<void>
}

interface Pair { provider: string, protocol: Protocol, model: string, start(): Promise<Upstream> }

const GEMINI_GENERATE = /:(stream)?[gG]enerateContent/

const CODE_ASSIST_CHUNKS = [
  { candidates: [{ content: { role: 'model', parts: [{ text: 'Hello from ' }] }, index: 0 }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, modelVersion: GEMINI_MODEL, responseId: 'code-assist-resp-1' },
  { candidates: [{ content: { role: 'model', parts: [{ text: 'Code Assist.' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 }, modelVersion: GEMINI_MODEL, responseId: 'code-assist-resp-1' }
]

const PAIRS: Pair[] = [
  {
    provider: 'openai-custom',
    protocol: 'openai',
    model: 'gpt-4o',
    async start () {
      const fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY })
      const answer = { content: 'Hello from OpenAI.' }
      fake.respondWith(answer)
      return {
        config: { MODEL_PROVIDER: 'openai-custom', OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: `${fake.url}/v1` },
        calls: () => fake.requests.filter(r => r.url.startsWith('/v1/chat/completions')),
        clientBodyOf: req => req.json,
        sameBytes: true,
        answer: { json: completionBody(answer), stream: completionFrames(answer).join(''), text: answer.content },
        close: fake.close
      }
    }
  },
  {
    provider: 'openaiResponses-custom',
    protocol: 'responses',
    model: RESPONSES_MODEL,
    async start () {
      const fake = await startFakeResponses({ apiKey: UPSTREAM_KEY })
      const script = { text: 'Hello from Responses.' }
      fake.respondWith(script)
      return {
        config: { MODEL_PROVIDER: 'openaiResponses-custom', OPENAI_RESPONSES_API_KEY: UPSTREAM_KEY, OPENAI_RESPONSES_BASE_URL: `${fake.url}/v1` },
        calls: () => fake.requests.filter(r => r.method === 'POST' && r.url.startsWith('/v1/responses')),
        clientBodyOf: req => req.json,
        sameBytes: true,
        answer: { json: responseBody(script), stream: responseEvents(script).join(''), text: script.text },
        close: fake.close
      }
    }
  },
  {
    provider: 'claude-custom',
    protocol: 'anthropic',
    model: ANTHROPIC_MODEL,
    async start () {
      const fake = await startFakeAnthropic({ apiKey: UPSTREAM_KEY })
      const script = { text: 'Hello from Claude.' }
      fake.respondWith(script)
      return {
        config: { MODEL_PROVIDER: 'claude-custom', CLAUDE_API_KEY: UPSTREAM_KEY, CLAUDE_BASE_URL: `${fake.url}/v1` },
        calls: () => fake.requests.filter(r => r.method === 'POST' && r.url.split('?')[0] === '/v1/messages'),
        clientBodyOf: req => req.json,
        sameBytes: true,
        answer: { json: messageBody(script), stream: messageEvents(script).join(''), text: script.text },
        close: fake.close
      }
    }
  },
  {
    provider: 'gemini-custom',
    protocol: 'gemini',
    model: GEMINI_MODEL,
    async start () {
      const fake = await startFakeGemini({ apiKey: UPSTREAM_KEY })
      const script = { text: 'Hello from Gemini.' }
      fake.respondWith(script)
      return {
        config: { MODEL_PROVIDER: 'gemini-custom', GEMINI_API_KEY: UPSTREAM_KEY, GEMINI_API_BASE_URL: `${fake.url}/v1beta` },
        calls: () => fake.requests.filter(r => GEMINI_GENERATE.test(r.url)),
        clientBodyOf: req => req.json,
        sameBytes: false,
        answer: { json: generateBody(script), stream: generateChunks(script).join(''), text: script.text },
        close: fake.close
      }
    }
  },
  {
    provider: 'gemini-cli-oauth',
    protocol: 'gemini',
    model: GEMINI_MODEL,
    async start () {
      const fake = await startFakeCodeAssist()
      fake.respondWith(CODE_ASSIST_CHUNKS)
      const dir = await mkdtemp(join(tmpdir(), 'passthrough-shapes-'))
      const file = join(dir, 'oauth_creds.json')
      await writeFile(file, JSON.stringify({ access_token: fake.oauth.accessToken(), refresh_token: fake.oauth.refreshToken(), token_type: 'Bearer', expiry_date: Date.now() + 3_600_000 }), { mode: 0o600 })
      // The non-stream answer is the chunks merged (what the fake Code Assist does), unwrapped.
      const last = CODE_ASSIST_CHUNKS[1]
      const merged = { ...last, candidates: [{ content: { role: 'model', parts: [{ text: 'Hello from Code Assist.' }] }, finishReason: 'STOP', index: 0 }] }
      return {
        config: { MODEL_PROVIDER: 'gemini-cli-oauth', GEMINI_OAUTH_CREDS_FILE_PATH: file, GEMINI_OAUTH_TOKEN_URL: fake.oauth.tokenUrl, GEMINI_BASE_URL: fake.url, CRON_REFRESH_TOKEN: false },
        calls: () => fake.requests.filter(r => GEMINI_GENERATE.test(r.url)),
        clientBodyOf: req => (req.json as { request?: unknown } | undefined)?.request,
        sameBytes: false,
        checkEnvelope (t, req) {
          t.match(req.json, { model: GEMINI_MODEL, project: READY_PROJECT, user_prompt_id: String }, 'the Code Assist wrapper names the model and the project')
        },
        answer: { json: merged, stream: CODE_ASSIST_CHUNKS.map(c => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''), text: 'Hello from Code Assist.' },
        close: async () => { await fake.close(); await rm(dir, { recursive: true, force: true }) }
      }
    }
  }
]

/** A fetch that records the JSON bodies an SDK sends. */
function recordingFetch (sent: string[]): FetchLike {
  return async (input, init) => {
    if (typeof init?.body === 'string') sent.push(init.body)
    return await fetch(input, init)
  }
}

/** The one request the upstream received since `before`, compared with what the client sent. */
function checkUpstream (t: Test, up: Upstream, before: number, sentText: string | undefined): void {
  const got = up.calls().slice(before)
  t.equal(got.length, 1, 'exactly one request reached the upstream')
  const req = got[0]
  if (req === undefined || sentText === undefined) return
  t.strictSame(up.clientBodyOf(req), JSON.parse(sentText), 'the upstream got the client\'s body unchanged')
  if (up.sameBytes) t.equal(req.body, sentText, 'byte for byte')
  up.checkEnvelope?.(t, req)
}

for (const pair of PAIRS) {
  const surface = SURFACES[pair.protocol]
  t.test(`${pair.protocol} → ${pair.provider}`, async t => {
    const up = await pair.start()
    const gw = await startGateway({ ...up.config, REQUEST_MAX_RETRIES: 0 })
    t.teardown(async () => { await gw.close(); await up.close() })

    const cases = surface.shapes.flatMap(shape => [{ shape, stream: false }, ...(shape.stream === true ? [{ shape, stream: true }] : [])])
    for (const { shape, stream } of cases) {
      await t.test(`${shape.name}${stream ? ' (stream)' : ''}`, async t => {
        const { path, body } = surface.wire(pair.model, shape, stream)
        const sentText = JSON.stringify(body)
        const before = up.calls().length
        const res = await fetch(gw.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...surface.headers }, body: sentText })
        const reply = await res.text()
        t.equal(res.status, 200, res.status === 200 ? 'the upstream\'s status' : `the upstream's status, not the gateway's: ${reply.slice(0, 300)}`)
        if (stream) t.equal(reply, up.answer.stream, 'the upstream\'s stream reached the client')
        else t.strictSame(JSON.parse(reply), up.answer.json, 'the upstream\'s answer reached the client')
        checkUpstream(t, up, before, sentText)
      })
    }

    for (const sdk of surface.sdk) {
      await t.test(`SDK, ${sdk.stream ? 'stream' : 'non-stream'}: ${sdk.name}`, async t => {
        const sent: string[] = []
        const before = up.calls().length
        const text = await sdk.run(gw, pair.model, recordingFetch(sent)).catch((err: unknown) => `SDK error: ${String(err)}`)
        t.equal(text, up.answer.text, 'the SDK parsed the upstream\'s answer')
        t.equal(sent.length, 1, 'the SDK sent one request')
        checkUpstream(t, up, before, sent[0])
      })
    }
  })
}
