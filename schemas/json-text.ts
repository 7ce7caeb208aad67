/** Parses tool-call arguments text into an object; anything that is not a JSON object becomes `{}` or a wrapper. */
export function parseArguments (text: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
    return { value }
  } catch {
    // Streaming upstreams sometimes cut arguments short; keep the text rather than lose it.
    return { _raw: text }
  }
}

export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A JSON text's top-level object, or `{}` for anything else (OAuth and error bodies read field by field). */
export function parseJsonObject (text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    return isRecord(value) ? value : {}
  } catch {
    return {}
  }
}
