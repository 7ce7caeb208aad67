import { createRequire } from 'node:module'
import type { ChatRequest, Part } from '../schemas/canonical.js'

/**
 * Token estimates where the upstream has no count API (OpenAI-compatible, Kiro) and for Kiro's output usage.
 * o200k (GPT-4o's encoding) counts are within about ±15 % of Claude's and Gemini's tokenizers on English prose and
 * code; images are counted at a flat size because their pixel size is not known here. docs/translation.md says so.
 */
const IMAGE_TOKENS = 1_600
const DOCUMENT_PAGE_TOKENS = 1_500
const PER_MESSAGE_OVERHEAD = 4

// Text that happens to contain "<|endoftext|>" is ordinary text here, not a control token.
const NO_SPECIAL = { disallowedSpecial: new Set<string>() }

type CountTokens = (text: string, options: typeof NO_SPECIAL) => number
let counter: CountTokens | undefined

/**
 * The tokenizer's tables take about half a second of CPU to load: loaded on first use, not at start-up, so the
 * gateway is ready to serve at once (most requests never need an estimate).
 */
function countTokens (text: string, options: typeof NO_SPECIAL): number {
  counter ??= (createRequire(import.meta.url)('gpt-tokenizer') as { countTokens: CountTokens }).countTokens
  return counter(text, options)
}

export function estimateTextTokens (text: string): number {
  if (text === '') return 0
  try {
    return countTokens(text, NO_SPECIAL)
  } catch {
    return Math.ceil(text.length / 4)
  }
}

function partTokens (part: Part): number {
  switch (part.type) {
    case 'text': return estimateTextTokens(part.text)
    case 'reasoning': return estimateTextTokens(part.text)
    case 'image': return IMAGE_TOKENS
    case 'document': return part.source.kind === 'text' ? estimateTextTokens(part.source.data) : DOCUMENT_PAGE_TOKENS
    case 'audio': return Math.ceil(part.data.length * 0.75 / 1000) * 25
    case 'tool_call': return estimateTextTokens(part.name) + estimateTextTokens(part.arguments)
    case 'tool_result': return part.content.reduce((sum, c) => sum + partTokens(c), 0)
  }
}

export function estimateInputTokens (req: ChatRequest): number {
  let total = 0
  for (const block of req.system) total += estimateTextTokens(block.text)
  for (const message of req.messages) {
    total += PER_MESSAGE_OVERHEAD
    for (const part of message.content) total += partTokens(part)
  }
  for (const tool of req.tools ?? []) {
    total += estimateTextTokens(tool.name) + estimateTextTokens(tool.description ?? '') + estimateTextTokens(JSON.stringify(tool.parameters))
  }
  return total
}
