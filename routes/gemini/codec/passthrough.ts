import type { TextPart } from '../../../schemas/canonical.js'
import { isRecord } from '../../../schemas/json-text.js'
import type { SystemEdit } from '../../surface-codec.js'
import type { GeminiGenerateRequest, GeminiPart } from '../../../schemas/gemini/generate-request.js'

/**
 * Passthrough helpers: the system-prompt hook applied to the wire body, and the model. A Gemini body carries no
 * model and no stream flag (both are in the URL), so `withModel` removes the `model`/`stream` keys a route copied
 * into the body (Gemini rejects unknown fields); the route names the resolved model in
 * `PassthroughRequest.operation` (`/models/{model}:generateContent`).
 */

export function editGeminiSystem (body: GeminiGenerateRequest, edit: SystemEdit): GeminiGenerateRequest {
  const instruction = body.systemInstruction
  const sent: unknown = instruction === undefined
    ? []
    : typeof instruction === 'string' ? [{ text: instruction }] : (instruction as { parts?: unknown }).parts
  // The body is unchecked on the passthrough path: an instruction the gateway cannot read is the upstream's to refuse.
  if (!Array.isArray(sent) || !sent.every(isRecord)) return body
  const parts = sent as GeminiPart[]
  const blocks: TextPart[] = parts.filter(p => typeof p.text === 'string').map(p => ({ type: 'text', text: p.text ?? '' }))
  // Non-text parts cannot be edited as text; they stay, after the edited text.
  const others = parts.filter(p => typeof p.text !== 'string')
  const edited = edit(blocks)
  const { systemInstruction: _old, ...rest } = body
  const nextParts: GeminiPart[] = [...edited.map(b => ({ text: b.text })), ...others]
  if (nextParts.length === 0) return rest
  const role = typeof instruction === 'object' && instruction.role !== undefined ? { role: instruction.role } : {}
  return { ...rest, systemInstruction: { ...role, parts: nextParts } }
}

export function withGeminiModel (body: GeminiGenerateRequest, _model: string): GeminiGenerateRequest {
  const { model: _inBody, stream: _stream, ...rest } = body
  return rest
}
