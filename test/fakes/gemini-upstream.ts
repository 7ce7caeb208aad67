import type { ServerResponse } from 'node:http'
import { sendJson, sendSse, startFakeServer, type FakeServer, type RecordedRequest } from './http-fake.js'
import { finishOf, pieces, usageOf, type Script, type ScriptError } from './script.js'

/**
 * A fake Gemini API (FORMATS.md §4) under /v1beta: models/{m}:generateContent, :streamGenerateContent?alt=sse
 * (data-only chunks framed with CRLF like Google), :countTokens and GET /v1beta/models, behind x-goog-api-key (or
 * ?key=). Thought parts carry the thoughtSignature, function calls arrive whole and, like the real API, without
 * ids unless asked; usageMetadata is a running total.
 */

export const GEMINI_MODEL = 'gemini-2.5-flash'
const RESPONSE_ID = 'fakeGeminiResponse1'

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE'
}

export interface FakeGeminiOptions {
  apiKey?: string
  /** Send functionCall.id (the Gemini API mostly does not). */
  callIds?: boolean
}

type Part = Record<string, unknown>

function usageMetadata (s: Script, fraction = 1): Record<string, unknown> {
  const u = usageOf(s)
  const thoughts = u.reasoning ?? 0
  const candidates = Math.round((u.output - thoughts) * fraction)
  const meta: Record<string, unknown> = {
    promptTokenCount: u.input,
    candidatesTokenCount: candidates,
    totalTokenCount: u.input + candidates + (fraction === 1 ? thoughts : 0),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }]
  }
  if (thoughts > 0 && fraction === 1) meta.thoughtsTokenCount = thoughts
  if (u.cached !== undefined) meta.cachedContentTokenCount = u.cached
  return meta
}

function callParts (s: Script, opts: FakeGeminiOptions): Part[] {
  return (s.toolCalls ?? []).map(c => ({ functionCall: { ...(opts.callIds === true ? { id: c.id } : {}), name: c.name, args: c.args } }))
}

/** The parts of the answer; `split` cuts thoughts and text into stream-sized pieces (one list per chunk). */
function partChunks (s: Script, opts: FakeGeminiOptions, split: boolean): Part[][] {
  const chunks: Part[][] = []
  if (s.reasoning !== undefined) {
    const texts = split ? pieces(s.reasoning.text) : [s.reasoning.text]
    texts.forEach((text, i) => {
      const last = i === texts.length - 1
      chunks.push([{ text, thought: true, ...(last && s.reasoning?.signature !== undefined ? { thoughtSignature: s.reasoning.signature } : {}) }])
    })
  }
  for (const text of split ? pieces(s.text ?? '') : [s.text ?? '']) if (text !== '') chunks.push([{ text }])
  const calls = callParts(s, opts)
  if (calls.length > 0) chunks.push(calls)
  return chunks
}

function candidate (parts: Part[], finish?: string): Record<string, unknown> {
  return { content: { parts, role: 'model' }, ...(finish === undefined ? {} : { finishReason: finish }), index: 0 }
}

const finishReason = (s: Script): string => finishOf(s) === 'length' ? 'MAX_TOKENS' : 'STOP'

/** A generateContent response body exactly as the Gemini API returns it. */
export function generateBody (s: Script, opts: FakeGeminiOptions = {}): Record<string, unknown> {
  return {
    candidates: [candidate(partChunks(s, opts, false).flat(), finishReason(s))],
    usageMetadata: usageMetadata(s),
    modelVersion: s.model ?? GEMINI_MODEL,
    responseId: RESPONSE_ID
  }
}

/** The alt=sse chunks for the same answer: incremental parts, the finish reason and full usage on the last one. */
export function generateChunks (s: Script, opts: FakeGeminiOptions = {}): string[] {
  const chunks = partChunks(s, opts, true)
  if (chunks.length === 0) chunks.push([{ text: '' }])
  return chunks.map((parts, i) => {
    const last = i === chunks.length - 1
    const body = {
      candidates: [candidate(parts, last ? finishReason(s) : undefined)],
      usageMetadata: usageMetadata(s, last ? 1 : (i + 1) / chunks.length),
      modelVersion: s.model ?? GEMINI_MODEL,
      responseId: RESPONSE_ID
    }
    return `data: ${JSON.stringify(body)}\r\n\r\n`
  })
}

export function sendGeminiError (res: ServerResponse, e: ScriptError): void {
  const status = STATUS_NAMES[e.status] ?? 'UNKNOWN'
  const retry = e.headers?.['retry-after']
  const details = retry === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retry}s` }]
  sendJson(res, e.status, { error: { code: e.status, message: e.message, status, ...(details.length > 0 ? { details } : {}) } }, e.headers)
}

export interface FakeGemini extends FakeServer {
  respondWith(s: Script | ((req: RecordedRequest) => Script)): void
  /** The last generateContent or streamGenerateContent request. */
  lastGenerate(): RecordedRequest | undefined
}

function keyOf (req: RecordedRequest): string | undefined {
  const header = req.headers['x-goog-api-key']
  if (typeof header === 'string') return header
  return new URL(req.url, 'http://fake').searchParams.get('key') ?? undefined
}

const MODEL_INFO = {
  name: `models/${GEMINI_MODEL}`,
  version: '001',
  displayName: 'Gemini 2.5 Flash',
  inputTokenLimit: 1048576,
  outputTokenLimit: 65536,
  supportedGenerationMethods: ['generateContent', 'countTokens'],
  thinking: true
}

export async function startFakeGemini (opts: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const server = await startFakeServer()
  let script: Script | ((req: RecordedRequest) => Script) = { text: 'Hello from Gemini.' }
  const authorized = (req: RecordedRequest, res: ServerResponse): boolean => {
    if (opts.apiKey === undefined || keyOf(req) === opts.apiKey) return true
    sendJson(res, 400, {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]
      }
    })
    return false
  }
  server.route('POST /v1beta/models/*', async (req, res) => {
    if (!authorized(req, res)) return
    const method = (req.url.split('?')[0] ?? '').split(':').pop()
    if (method === 'countTokens') {
      sendJson(res, 200, { totalTokens: Math.max(1, Math.ceil(req.body.length / 4)), promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1 }] })
      return
    }
    if (method !== 'generateContent' && method !== 'streamGenerateContent') {
      sendJson(res, 404, { error: { code: 404, message: `Method ${method ?? ''} not found`, status: 'NOT_FOUND' } })
      return
    }
    const s = typeof script === 'function' ? script(req) : script
    if (s.error !== undefined) return sendGeminiError(res, s.error)
    if (method === 'streamGenerateContent') await sendSse(res, generateChunks(s, opts))
    else sendJson(res, 200, generateBody(s, opts))
  })
  server.route('GET /v1beta/models', (req, res) => {
    if (authorized(req, res)) sendJson(res, 200, { models: [MODEL_INFO] })
  })
  return Object.assign(server, {
    respondWith (s: Script | ((req: RecordedRequest) => Script)) { script = s },
    lastGenerate: () => [...server.requests].reverse().find(r => /:(stream)?[gG]enerateContent/.test(r.url))
  })
}
