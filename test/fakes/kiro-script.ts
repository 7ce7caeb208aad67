import type { FakeKiroEvent, FakeKiroFault } from './kiro-server.js'
import { halves, pieces, usageOf, type Script, type ScriptError } from './script.js'

/**
 * The protocol-neutral script as Kiro event-stream events (FORMATS.md §6): reasoningContentEvent pieces with the
 * signature last, assistantResponseEvent text pieces, toolUseEvent argument fragments closed by `stop`, and a
 * metadataEvent with the token usage. Kiro always streams; the gateway assembles non-stream answers itself.
 */
export function kiroEvents (s: Script): FakeKiroEvent[] {
  const events: FakeKiroEvent[] = []
  if (s.reasoning !== undefined) {
    for (const text of pieces(s.reasoning.text)) events.push({ eventType: 'reasoningContentEvent', payload: { text } })
    if (s.reasoning.signature !== undefined) events.push({ eventType: 'reasoningContentEvent', payload: { signature: s.reasoning.signature } })
  }
  for (const content of pieces(s.text ?? '')) events.push({ eventType: 'assistantResponseEvent', payload: { content } })
  for (const call of s.toolCalls ?? []) {
    const base = { name: call.name, toolUseId: call.id }
    for (const input of halves(JSON.stringify(call.args))) events.push({ eventType: 'toolUseEvent', payload: { ...base, input } })
    events.push({ eventType: 'toolUseEvent', payload: { ...base, stop: true } })
  }
  const u = usageOf(s)
  const cached = u.cached ?? 0
  events.push({ eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: u.input - cached, cacheReadInputTokens: cached, outputTokens: u.output } } })
  return events
}

const EXCEPTIONS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  429: 'ThrottlingException',
  500: 'InternalServerException'
}

/** A script's error as the HTTP fault Kiro answers with (AWS JSON error body). */
export function kiroFault (e: ScriptError): FakeKiroFault {
  const type = EXCEPTIONS[e.status] ?? 'InternalServerException'
  return { type: 'http', status: e.status, body: { __type: `com.amazon.aws.codewhisperer#${type}`, message: e.message }, ...(e.headers === undefined ? {} : { headers: e.headers }) }
}
