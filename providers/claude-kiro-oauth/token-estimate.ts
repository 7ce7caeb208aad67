import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base'

/**
 * Token estimates for when Kiro sends no `metadataEvent`.
 *
 * Claude's tokenizer is not public; cl100k_base (gpt-tokenizer) is within roughly ±15% of it on English and code,
 * much closer than chars/4 on code and non-Latin text. Results are always marked `estimated`. The BPE table costs
 * ~0.3 s to load, once per process, at import time (start-up), not in the middle of a request.
 */

// Text that happens to contain "<|endoftext|>" is ordinary text here, not a control token.
const NO_SPECIAL = { disallowedSpecial: new Set<string>() }

export function estimateTextTokens (text: string): number {
  if (text === '') return 0
  try {
    return countTokens(text, NO_SPECIAL)
  } catch {
    return Math.ceil(text.length / 4)
  }
}
