import type { SseMessage, TranslateContext } from '../../schemas/translate-context.js'

/** A fixed clock and counting ids, so fixtures are byte-exact. */
export function fixedContext (nowMs = 1732400000000): TranslateContext {
  const counters = new Map<string, number>()
  return {
    now: () => nowMs,
    id: (prefix: string) => {
      const n = (counters.get(prefix) ?? 0) + 1
      counters.set(prefix, n)
      return `${prefix}${n}`
    }
  }
}

/** How the gateway's one SSE writer serializes messages (objects as JSON). */
export function toSseText (messages: SseMessage[]): string {
  return messages.map(m => {
    const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data)
    return (m.event === undefined ? '' : `event: ${m.event}\n`) + `data: ${data}\n\n`
  }).join('')
}
