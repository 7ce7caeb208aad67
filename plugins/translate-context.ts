import { randomBytes } from 'node:crypto'
import type { TranslateContext } from '../schemas/translate-context.js'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** Random ids from a pooled buffer: one syscall per 4 KiB of ids instead of one per id. */
export function createIdGenerator (length = 24): (prefix: string) => string {
  let pool = randomBytes(4096)
  let offset = 0
  return (prefix: string) => {
    if (offset + length > pool.length) {
      pool = randomBytes(4096)
      offset = 0
    }
    let out = prefix
    for (let i = 0; i < length; i++) out += ALPHABET[pool[offset + i]! % ALPHABET.length]
    offset += length
    return out
  }
}

/** The real-world context: wall clock and random ids. Tests pass fixed ones instead. */
export function createTranslateContext (): TranslateContext {
  return { now: () => Date.now(), id: createIdGenerator() }
}
