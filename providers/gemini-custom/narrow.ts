import type { Usage } from '../../schemas/canonical.js'
import type { GeminiPartLike } from '../../schemas/gemini/parts-decode.js'
import { isRecord } from '../../schemas/json-text.js'

/** Narrowing of upstream Gemini JSON (bodies arrive as `unknown`; nothing is trusted). */

export function str (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function count (value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : 0
}

function blob (value: unknown): { mimeType: string, data: string } | undefined {
  if (!isRecord(value) || typeof value.mimeType !== 'string' || typeof value.data !== 'string') return undefined
  return { mimeType: value.mimeType, data: value.data }
}

/** One upstream part, keeping only well-formed fields. */
export function narrowPart (value: unknown): GeminiPartLike | undefined {
  if (!isRecord(value)) return undefined
  const part: GeminiPartLike = {}
  if (typeof value.text === 'string') part.text = value.text
  if (value.thought === true) part.thought = true
  if (typeof value.thoughtSignature === 'string') part.thoughtSignature = value.thoughtSignature
  const inline = blob(value.inlineData)
  if (inline !== undefined) part.inlineData = inline
  const file = value.fileData
  if (isRecord(file) && typeof file.fileUri === 'string') {
    part.fileData = { fileUri: file.fileUri, ...(typeof file.mimeType === 'string' ? { mimeType: file.mimeType } : {}) }
  }
  const call = value.functionCall
  if (isRecord(call) && typeof call.name === 'string') {
    part.functionCall = {
      name: call.name,
      ...(typeof call.id === 'string' ? { id: call.id } : {}),
      args: isRecord(call.args) ? call.args : {}
    }
  }
  const code = value.executableCode
  if (isRecord(code) && typeof code.code === 'string') {
    part.executableCode = { code: code.code, ...(typeof code.language === 'string' ? { language: code.language } : {}) }
  }
  const result = value.codeExecutionResult
  if (isRecord(result)) {
    part.codeExecutionResult = {
      ...(typeof result.outcome === 'string' ? { outcome: result.outcome } : {}),
      ...(typeof result.output === 'string' ? { output: result.output } : {})
    }
  }
  return part
}

/** `candidate.content.parts`, narrowed. */
export function candidateParts (candidate: Record<string, unknown>): GeminiPartLike[] {
  const content = candidate.content
  if (!isRecord(content) || !Array.isArray(content.parts)) return []
  return content.parts.map(narrowPart).filter((p): p is GeminiPartLike => p !== undefined)
}

/**
 * usageMetadata → canonical usage: the prompt count (cache included) plus tool-use prompt tokens is the input;
 * candidates + thoughts is the output (candidatesTokenCount excludes thoughts).
 */
export function fromGeminiUsage (meta: unknown): Usage | undefined {
  if (!isRecord(meta)) return undefined
  const thoughts = count(meta.thoughtsTokenCount)
  const cached = count(meta.cachedContentTokenCount)
  const usage: Usage = {
    inputTokens: count(meta.promptTokenCount) + count(meta.toolUsePromptTokenCount),
    outputTokens: count(meta.candidatesTokenCount) + thoughts
  }
  if (thoughts > 0) usage.reasoningTokens = thoughts
  if (cached > 0) usage.cacheReadTokens = cached
  return usage
}
