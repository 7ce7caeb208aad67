/**
 * Some Kiro responses carry a tool call as plain text, `[Called get_weather with args: {"city":"Oslo"}]`, instead
 * of a toolUseEvent. This filter lifts those out of the text stream.
 *
 * Only the exact form Kiro writes is recognised (single spaces, a JSON object, the closing bracket), and only for
 * tool names the request declared, so a model that merely talks about such syntax is left alone. Text from a `[`
 * that could still become a call is held back until it can be decided (at most MAX_HOLD characters), so a call
 * split across events is still found; everything else passes through at once.
 */

export type TextPiece =
  | { kind: 'text', text: string }
  | { kind: 'call', name: string, arguments: string }

const PREFIX = '[Called '
const INFIX = ' with args: '
/** Beyond this, held text is released as text: a real call's arguments are not this large. */
const MAX_HOLD = 64 * 1024

type Match = { state: 'partial' } | { state: 'none' } | { state: 'call', name: string, args: string, length: number }

export class TextToolCallFilter {
  private pending = ''

  constructor (private readonly knownNames: ReadonlySet<string>) {}

  push (text: string): TextPiece[] {
    this.pending += text
    const out: TextPiece[] = []
    for (;;) {
      const open = this.pending.indexOf('[')
      if (open === -1) {
        emitText(out, this.pending)
        this.pending = ''
        break
      }
      emitText(out, this.pending.slice(0, open))
      this.pending = this.pending.slice(open)
      const match = this.match(this.pending)
      if (match.state === 'partial' && this.pending.length <= MAX_HOLD) break
      if (match.state === 'call') {
        out.push({ kind: 'call', name: match.name, arguments: match.args })
        this.pending = this.pending.slice(match.length)
      } else {
        emitText(out, '[')
        this.pending = this.pending.slice(1)
      }
    }
    return out
  }

  /** Releases held text (end of stream, or before a non-text event). */
  flush (): TextPiece[] {
    const out: TextPiece[] = []
    emitText(out, this.pending)
    this.pending = ''
    return out
  }

  private match (s: string): Match {
    if (s.length < PREFIX.length) return PREFIX.startsWith(s) ? { state: 'partial' } : { state: 'none' }
    if (!s.startsWith(PREFIX)) return { state: 'none' }
    const nameEnd = s.indexOf(' ', PREFIX.length)
    if (nameEnd === -1) return this.couldBeName(s.slice(PREFIX.length)) ? { state: 'partial' } : { state: 'none' }
    const name = s.slice(PREFIX.length, nameEnd)
    if (!this.knownNames.has(name)) return { state: 'none' }
    const rest = s.slice(nameEnd)
    if (rest.length < INFIX.length) return INFIX.startsWith(rest) ? { state: 'partial' } : { state: 'none' }
    if (!rest.startsWith(INFIX)) return { state: 'none' }
    const argsStart = nameEnd + INFIX.length
    const argsEnd = scanObject(s, argsStart)
    if (argsEnd === 'partial') return { state: 'partial' }
    if (argsEnd === 'none') return { state: 'none' }
    if (argsEnd >= s.length) return { state: 'partial' }
    if (s[argsEnd] !== ']') return { state: 'none' }
    const args = s.slice(argsStart, argsEnd)
    try {
      JSON.parse(args)
    } catch {
      return { state: 'none' }
    }
    return { state: 'call', name, args, length: argsEnd + 1 }
  }

  private couldBeName (partial: string): boolean {
    for (const name of this.knownNames) if (name.startsWith(partial)) return true
    return false
  }
}

function emitText (out: TextPiece[], text: string): void {
  if (text === '') return
  const last = out[out.length - 1]
  if (last?.kind === 'text') last.text += text
  else out.push({ kind: 'text', text })
}

/** Index just past the JSON object starting at `start`, or whether it is unfinished / not an object. */
function scanObject (s: string, start: number): number | 'partial' | 'none' {
  if (start >= s.length) return 'partial'
  if (s[start] !== '{') return 'none'
  let depth = 0
  let inString = false
  for (let i = start; i < s.length; i++) {
    const c = s[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
    } else if (c === '{' || c === '[') {
      depth++
    } else if (c === '}' || c === ']') {
      depth--
      if (depth === 0) return c === '}' ? i + 1 : 'none'
    }
  }
  return 'partial'
}
