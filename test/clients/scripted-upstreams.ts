import type { FakeServer, RecordedRequest } from '../fakes/http-fake.js'
import { startFakeAnthropic } from '../fakes/anthropic-upstream.js'
import { startFakeGemini } from '../fakes/gemini-upstream.js'
import { completionFromScript, startFakeOpenAI } from '../fakes/openai-upstream.js'
import type { Script } from '../fakes/script.js'

// The real-client tests drive an agent loop: one upstream answer per turn (a tool call first, a final text once the
// tool result comes back), decided from what the request carries and rendered by the shared fakes in each protocol.

export type Protocol = 'openai' | 'anthropic' | 'gemini'

/** What the upstream answers on one turn. */
export interface Turn { toolCall?: { name: string, args: Record<string, unknown> }, text?: string }

/** Decides a turn from the latest tool result in the request (undefined: none) and whether tools were offered. */
export type AgentScript = (toolResult: string | undefined, toolsOffered: boolean) => Turn

type Json = Record<string, unknown>
const asArray = (v: unknown): unknown[] => Array.isArray(v) ? v : []
const asObject = (v: unknown): Json => typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {}

function textOf (content: unknown): string {
  if (typeof content === 'string') return content
  return asArray(content).map(p => { const o = asObject(p); return typeof o.text === 'string' ? o.text : JSON.stringify(o) }).join('')
}

/** The tool result carried by the request's last message, if that message carries one. */
export function lastToolResult (protocol: Protocol, body: unknown): string | undefined {
  const b = asObject(body)
  if (protocol === 'openai') {
    const last = asObject(asArray(b.messages).at(-1))
    return last.role === 'tool' ? textOf(last.content) : undefined
  }
  if (protocol === 'anthropic') {
    const blocks = asArray(asObject(asArray(b.messages).at(-1)).content).map(asObject).filter(x => x.type === 'tool_result')
    return blocks.length === 0 ? undefined : blocks.map(x => textOf(x.content)).join('\n')
  }
  const parts = asArray(asObject(asArray(b.contents).at(-1)).parts).map(asObject).filter(p => p.functionResponse !== undefined)
  return parts.length === 0 ? undefined : parts.map(p => JSON.stringify(p.functionResponse)).join('\n')
}

/** The agent script's turn for this request, as the shared fakes' protocol-neutral script. */
function scriptFor (protocol: Protocol, agent: AgentScript, req: RecordedRequest, n: number): Script {
  const model = asObject(req.json).model
  const turn = agent(lastToolResult(protocol, req.json), asArray(asObject(req.json).tools).length > 0)
  return {
    ...(typeof model === 'string' ? { model } : {}),
    ...(turn.toolCall === undefined ? { text: turn.text ?? '' } : { toolCalls: [{ id: `call_${n}`, name: turn.toolCall.name, args: turn.toolCall.args }] })
  }
}

/** A fake upstream in `protocol` that answers each model call from the agent script. */
export async function startScriptedUpstream (protocol: Protocol, agent: AgentScript): Promise<FakeServer> {
  if (protocol === 'anthropic') {
    const fake = await startFakeAnthropic()
    fake.respondWith(req => scriptFor(protocol, agent, req, fake.requests.length))
    return fake
  }
  if (protocol === 'gemini') {
    const fake = await startFakeGemini()
    fake.respondWith(req => scriptFor(protocol, agent, req, fake.requests.length))
    return fake
  }
  const fake = await startFakeOpenAI()
  fake.respondWith(req => completionFromScript(scriptFor(protocol, agent, req, fake.requests.length)))
  return fake
}
