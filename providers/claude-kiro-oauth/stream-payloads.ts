import type { Usage } from '../../schemas/canonical.js'
import { isRecord } from '../../schemas/json-text.js'
import type { KiroFrame } from './event-stream-framer.js'

/**
 * Narrowing of Kiro event payloads (FORMATS.md §6 "Event payloads"). Some Kiro versions nest the payload under
 * the event name (`{"assistantResponseEvent":{…}}`), others send it bare; both are accepted. Frames without an
 * `:event-type` header are recognised by their fields.
 */

export interface ToolUseFragment {
  toolUseId?: string
  name?: string
  /** A JSON text fragment, or a whole input object. */
  input?: string | Record<string, unknown>
  stop: boolean
}

export interface ReasoningFragment {
  text?: string
  signature?: string
  redacted?: string
}

export type KiroEvent =
  | { kind: 'text', text: string }
  | { kind: 'tool', tool: ToolUseFragment }
  | { kind: 'reasoning', reasoning: ReasoningFragment }
  | { kind: 'usage', usage: Usage }
  | { kind: 'context', percentage: number }
  | { kind: 'invalid_state', message: string }
  | { kind: 'ignored' }

const KNOWN_EVENTS = [
  'assistantResponseEvent', 'toolUseEvent', 'reasoningContentEvent', 'metadataEvent', 'contextUsageEvent',
  'invalidStateEvent', 'meteringEvent', 'messageMetadataEvent', 'codeEvent', 'followupPromptEvent'
]

function unwrap (frame: KiroFrame): { type: string, data: Record<string, unknown> } | undefined {
  const payload = frame.payload
  if (!isRecord(payload)) return undefined
  if (frame.eventType !== '') {
    const nested = payload[frame.eventType]
    return { type: frame.eventType, data: isRecord(nested) ? nested : payload }
  }
  for (const name of KNOWN_EVENTS) {
    const nested = payload[name]
    if (isRecord(nested)) return { type: name, data: nested }
  }
  return { type: inferType(payload), data: payload }
}

function inferType (data: Record<string, unknown>): string {
  if ('toolUseId' in data || 'stop' in data || ('input' in data && !('content' in data))) return 'toolUseEvent'
  if ('tokenUsage' in data) return 'metadataEvent'
  if ('contextUsagePercentage' in data) return 'contextUsageEvent'
  if ('content' in data) return 'assistantResponseEvent'
  return ''
}

/** An `event` frame's meaning. */
export function readKiroEvent (frame: KiroFrame): KiroEvent {
  const event = unwrap(frame)
  if (event === undefined) return { kind: 'ignored' }
  const { type, data } = event
  switch (type) {
    case 'assistantResponseEvent':
      return typeof data.content === 'string' && data.content !== '' ? { kind: 'text', text: data.content } : { kind: 'ignored' }
    case 'toolUseEvent':
      return { kind: 'tool', tool: readToolUse(data) }
    case 'reasoningContentEvent':
      return { kind: 'reasoning', reasoning: readReasoning(data) }
    case 'metadataEvent': {
      const usage = readUsage(data.tokenUsage)
      return usage === undefined ? { kind: 'ignored' } : { kind: 'usage', usage }
    }
    case 'contextUsageEvent':
      return typeof data.contextUsagePercentage === 'number' && Number.isFinite(data.contextUsagePercentage)
        ? { kind: 'context', percentage: data.contextUsagePercentage }
        : { kind: 'ignored' }
    case 'invalidStateEvent': {
      const reason = typeof data.reason === 'string' ? data.reason : 'UNKNOWN'
      const message = typeof data.message === 'string' ? data.message : 'no details'
      return { kind: 'invalid_state', message: `Kiro reported an invalid state (${reason}): ${message}` }
    }
    default:
      // meteringEvent (credits), messageMetadataEvent, followupPromptEvent, codeEvent: nothing canonical to map.
      return { kind: 'ignored' }
  }
}

function readToolUse (data: Record<string, unknown>): ToolUseFragment {
  const out: ToolUseFragment = { stop: data.stop === true }
  if (typeof data.toolUseId === 'string' && data.toolUseId !== '') out.toolUseId = data.toolUseId
  if (typeof data.name === 'string' && data.name !== '') out.name = data.name
  if (typeof data.input === 'string' || isRecord(data.input)) out.input = data.input
  return out
}

function readReasoning (data: Record<string, unknown>): ReasoningFragment {
  // Bedrock-style nesting ({reasoningText:{text,signature}}) has been seen in Kiro captures too.
  const inner = isRecord(data.reasoningText) ? data.reasoningText : data
  const out: ReasoningFragment = {}
  if (typeof inner.text === 'string' && inner.text !== '') out.text = inner.text
  if (typeof inner.signature === 'string' && inner.signature !== '') out.signature = inner.signature
  const redacted = data.redactedContent ?? data.redactedReasoning
  if (typeof redacted === 'string' && redacted !== '') out.redacted = redacted
  return out
}

function count (value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0
}

/** `tokenUsage` → canonical usage (input = uncached + cache reads + cache writes). */
export function readUsage (value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined
  const cacheRead = count(value.cacheReadInputTokens)
  const cacheWrite = count(value.cacheWriteInputTokens)
  const uncached = count(value.uncachedInputTokens ?? value.inputTokens)
  const output = count(value.outputTokens)
  const usage: Usage = { inputTokens: uncached + cacheRead + cacheWrite, outputTokens: output }
  if (usage.inputTokens === 0 && output === 0 && count(value.totalTokens) === 0) return undefined
  if (cacheRead > 0) usage.cacheReadTokens = cacheRead
  if (cacheWrite > 0) usage.cacheWriteTokens = cacheWrite
  return usage
}

/** Message and type of an `exception` / `error` frame. */
export function readFrameError (frame: KiroFrame): { message: string, type: string } {
  const payload = frame.payload
  const data = isRecord(payload) ? payload : {}
  const fromPayload = typeof data.message === 'string' ? data.message : typeof data.Message === 'string' ? data.Message : undefined
  const rawType = frame.exceptionType ?? frame.errorCode ?? (typeof data.__type === 'string' ? data.__type : frame.messageType)
  // "com.amazon.aws.codewhisperer#ThrottlingException" → "ThrottlingException"
  const type = rawType.slice(rawType.lastIndexOf('#') + 1)
  const text = typeof payload === 'string' && payload.trim() !== '' ? payload.trim() : undefined
  return { message: fromPayload ?? frame.errorMessage ?? text ?? `Kiro stream ${frame.messageType}: ${type}`, type }
}
