/**
 * Reading back what the gateway sent upstream, per provider wire format: the tool calls and tool results of the
 * history, and the images. Bodies are walked generically (every nested object), then picked by shape.
 */

export interface SentCall { id?: string, name: string }
export interface SentResult { id?: string, name?: string, output: string }
export interface SentImage { mediaType: string, data: string }

export interface Sent {
  calls: SentCall[]
  results: SentResult[]
  images: SentImage[]
  /** Reasoning signatures replayed in the history, in the upstream's own slot. */
  signatures: string[]
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined

/** Every object nested in a JSON value, depth first, in document order. */
export function objectsIn (value: unknown, out: Obj[] = []): Obj[] {
  if (Array.isArray(value)) for (const v of value) objectsIn(v, out)
  else if (isObj(value)) {
    out.push(value)
    for (const v of Object.values(value)) objectsIn(v, out)
  }
  return out
}

/** Text of a tool output that may be a string or a list of text parts/blocks. */
function textOf (value: unknown): string {
  if (typeof value === 'string') return value
  return objectsIn(value).map(o => str(o.text) ?? '').join('')
}

function dataUrl (url: unknown): SentImage | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/.exec(str(url) ?? '')
  return m === null ? undefined : { mediaType: m[1] ?? '', data: m[2] ?? '' }
}

function defined<T> (list: Array<T | undefined>): T[] {
  return list.filter((x): x is T => x !== undefined)
}

export function sentOpenAI (body: unknown): Sent {
  const all = objectsIn(body)
  return {
    calls: defined(all.map(o => o.type === 'function' && typeof o.id === 'string' && isObj(o.function) ? { id: o.id, name: String(o.function.name) } : undefined)),
    results: defined(all.map(o => o.role === 'tool' ? { id: str(o.tool_call_id), output: textOf(o.content) } : undefined)),
    images: defined(all.map(o => isObj(o.image_url) ? dataUrl(o.image_url.url) : undefined)),
    signatures: []
  }
}

export function sentResponses (body: unknown): Sent {
  const all = objectsIn(body)
  return {
    calls: defined(all.map(o => o.type === 'function_call' ? { id: str(o.call_id), name: String(o.name) } : undefined)),
    results: defined(all.map(o => o.type === 'function_call_output' ? { id: str(o.call_id), output: textOf(o.output) } : undefined)),
    images: defined(all.map(o => o.type === 'input_image' ? dataUrl(o.image_url) : undefined)),
    signatures: defined(all.map(o => o.type === 'reasoning' ? str(o.encrypted_content) : undefined))
  }
}

export function sentAnthropic (body: unknown): Sent {
  const all = objectsIn(body)
  return {
    calls: defined(all.map(o => o.type === 'tool_use' ? { id: str(o.id), name: String(o.name) } : undefined)),
    results: defined(all.map(o => o.type === 'tool_result' ? { id: str(o.tool_use_id), output: textOf(o.content) } : undefined)),
    images: defined(all.map(o => o.type === 'image' && isObj(o.source) && o.source.type === 'base64'
      ? { mediaType: String(o.source.media_type), data: String(o.source.data) }
      : undefined)),
    signatures: defined(all.map(o => o.type === 'thinking' ? str(o.signature) : undefined))
  }
}

export function sentGemini (body: unknown): Sent {
  const all = objectsIn(body)
  return {
    calls: defined(all.map(o => isObj(o.functionCall) ? { id: str(o.functionCall.id), name: String(o.functionCall.name) } : undefined)),
    results: defined(all.map(o => isObj(o.functionResponse)
      ? { id: str(o.functionResponse.id), name: str(o.functionResponse.name), output: JSON.stringify(o.functionResponse.response) }
      : undefined)),
    images: defined(all.map(o => isObj(o.inlineData) ? { mediaType: String(o.inlineData.mimeType), data: String(o.inlineData.data) } : undefined)),
    signatures: defined(all.map(o => str(o.thoughtSignature)))
  }
}

export function sentKiro (body: unknown): Sent {
  const all = objectsIn(body)
  return {
    calls: defined(all.map(o => typeof o.toolUseId === 'string' && typeof o.name === 'string' && 'input' in o ? { id: o.toolUseId, name: o.name } : undefined)),
    results: defined(all.map(o => typeof o.toolUseId === 'string' && 'status' in o ? { id: o.toolUseId, output: textOf(o.content) } : undefined)),
    images: defined(all.map(o => typeof o.format === 'string' && isObj(o.source) ? { mediaType: `image/${o.format}`, data: String(o.source.bytes) } : undefined)),
    // Kiro requests have no slot for earlier reasoning.
    signatures: []
  }
}
