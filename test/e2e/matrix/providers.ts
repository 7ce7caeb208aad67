import type { Protocol } from '../../../schemas/canonical.js'
import type { RecordedRequest } from '../../fakes/http-fake.js'
import type { Script } from '../../fakes/script.js'
import { completionBody, completionFrames, completionFromScript, startFakeOpenAI } from '../../fakes/openai-upstream.js'
import { ANTHROPIC_MODEL, messageBody, messageEvents, startFakeAnthropic } from '../../fakes/anthropic-upstream.js'
import { GEMINI_MODEL, generateBody, generateChunks, startFakeGemini } from '../../fakes/gemini-upstream.js'
import { RESPONSES_MODEL, responseBody, responseEvents, startFakeResponses } from '../../fakes/responses-upstream.js'
import { startFakeKiro } from '../../fakes/kiro-server.js'
import { kiroEvents, kiroFault } from '../../fakes/kiro-script.js'
import { sentAnthropic, sentGemini, sentKiro, sentOpenAI, sentResponses, type Sent } from './sent.js'

/**
 * The providers of the end-to-end matrix, one entry each: how to start its fake upstream, the gateway config that
 * reaches it, and how to read back what the gateway sent. Adding a provider (gemini-cli-oauth, say) is one entry.
 */

export const UPSTREAM_KEY = 'upstream-secret-key-42'

export interface Upstream {
  /** Gateway config that routes to this upstream by default. */
  config: Record<string, unknown>
  /** What the next chat call answers. */
  respond(s: Script): void
  /** The last chat request the gateway sent upstream. */
  last(): { json: unknown, headers: Record<string, unknown> } | undefined
  /** The exact bytes this upstream answers a script with (passthrough fidelity); same-protocol providers only. */
  render?(s: Script, stream: boolean): string
  close(): Promise<void>
}

export interface ProviderSetup {
  type: string
  /** The protocol spoken upstream: a client surface of the same protocol takes the passthrough path. */
  protocol?: Protocol
  model: string
  /** The upstream's tool-call ids reach the client (the Gemini API sends none; the gateway makes them up). */
  keepsCallIds: boolean
  /** The upstream signs its reasoning and takes the signature back in the history. */
  signsReasoning: boolean
  /** Reads tool calls, tool results and images out of an upstream request body. */
  read(body: unknown): Sent
  start(): Promise<Upstream>
}

/** The pieces an HTTP fake (OpenAI, Anthropic, Gemini, Responses) is wired to the matrix with. */
interface HttpFake { respondWith(s: Script): void, close(): Promise<void> }

function httpUpstream (fake: HttpFake, config: Record<string, unknown>, last: () => RecordedRequest | undefined, render: Upstream['render']): Upstream {
  return {
    config,
    respond: s => { fake.respondWith(s) },
    last: () => {
      const req = last()
      return req === undefined ? undefined : { json: req.json, headers: req.headers }
    },
    ...(render === undefined ? {} : { render }),
    close: async () => { await fake.close() }
  }
}

export const PROVIDERS: ProviderSetup[] = [
  {
    type: 'openai-custom',
    protocol: 'openai',
    model: 'gpt-4o',
    keepsCallIds: true,
    signsReasoning: false,
    read: sentOpenAI,
    async start () {
      const fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY })
      const scripted = { respondWith: (s: Script) => { fake.respondWith(completionFromScript(s)) }, close: fake.close }
      return httpUpstream(scripted, { MODEL_PROVIDER: 'openai-custom', OPENAI_API_KEY: UPSTREAM_KEY, OPENAI_BASE_URL: `${fake.url}/v1` }, fake.lastChat,
        (s, stream) => stream ? completionFrames(completionFromScript(s)).join('') : JSON.stringify(completionBody(completionFromScript(s))))
    }
  },
  {
    type: 'claude-custom',
    protocol: 'anthropic',
    model: ANTHROPIC_MODEL,
    keepsCallIds: true,
    signsReasoning: true,
    read: sentAnthropic,
    async start () {
      const fake = await startFakeAnthropic({ apiKey: UPSTREAM_KEY })
      return httpUpstream(fake, { MODEL_PROVIDER: 'claude-custom', CLAUDE_API_KEY: UPSTREAM_KEY, CLAUDE_BASE_URL: `${fake.url}/v1` }, fake.lastMessages,
        (s, stream) => stream ? messageEvents(s).join('') : JSON.stringify(messageBody(s)))
    }
  },
  {
    type: 'gemini-custom',
    protocol: 'gemini',
    model: GEMINI_MODEL,
    keepsCallIds: false,
    signsReasoning: true,
    read: sentGemini,
    async start () {
      const fake = await startFakeGemini({ apiKey: UPSTREAM_KEY })
      return httpUpstream(fake, { MODEL_PROVIDER: 'gemini-custom', GEMINI_API_KEY: UPSTREAM_KEY, GEMINI_API_BASE_URL: `${fake.url}/v1beta` }, fake.lastGenerate,
        (s, stream) => stream ? generateChunks(s).join('') : JSON.stringify(generateBody(s)))
    }
  },
  {
    type: 'openaiResponses-custom',
    protocol: 'responses',
    model: RESPONSES_MODEL,
    keepsCallIds: true,
    signsReasoning: true,
    read: sentResponses,
    async start () {
      const fake = await startFakeResponses({ apiKey: UPSTREAM_KEY })
      return httpUpstream(fake, { MODEL_PROVIDER: 'openaiResponses-custom', OPENAI_RESPONSES_API_KEY: UPSTREAM_KEY, OPENAI_RESPONSES_BASE_URL: `${fake.url}/v1` }, fake.lastResponses,
        (s, stream) => stream ? responseEvents(s).join('') : JSON.stringify(responseBody(s)))
    }
  },
  {
    type: 'claude-kiro-oauth',
    model: 'claude-sonnet-4-5',
    keepsCallIds: true,
    signsReasoning: false,
    read: sentKiro,
    async start () {
      const fake = await startFakeKiro({ accessToken: UPSTREAM_KEY })
      const creds = {
        accessToken: UPSTREAM_KEY,
        refreshToken: fake.validRefreshToken(),
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        authMethod: 'social',
        profileArn: 'arn:aws:codewhisperer:us-east-1:123456789012:profile/FAKE'
      }
      return {
        config: {
          MODEL_PROVIDER: 'claude-kiro-oauth',
          KIRO_OAUTH_CREDS_BASE64: Buffer.from(JSON.stringify(creds)).toString('base64'),
          KIRO_BASE_URL: fake.apiUrl,
          KIRO_REFRESH_URL: fake.socialRefreshUrl,
          CRON_REFRESH_TOKEN: false
        },
        respond: s => {
          // Like the other fakes, an error script answers every call until the next script.
          fake.setFault(s.error === undefined ? undefined : kiroFault(s.error), { sticky: true })
          if (s.error === undefined) fake.setScript(kiroEvents(s))
        },
        last: () => {
          const req = fake.requests.filter(r => r.path === '/generateAssistantResponse').at(-1)
          return req === undefined ? undefined : { json: req.body, headers: req.headers }
        },
        close: async () => { await fake.close() }
      }
    }
  }
]
