import type { ChatRequest, ImagePart, DocumentPart, Message } from '../../schemas/canonical.js'
import type { Transport } from '../../plugins/transport.js'
import { GatewayError, invalidRequest } from '../../plugins/gateway-error.js'

export interface InlineLimits {
  /** Largest file fetched, in bytes. */
  maxBytes: number
  /** Time allowed for one fetch. */
  timeoutMs: number
}

export const DEFAULT_INLINE_LIMITS: InlineLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000 }

type Media = ImagePart | DocumentPart

function hasUrlMedia (req: ChatRequest): boolean {
  return req.messages.some(m => m.content.some(p => (p.type === 'image' || p.type === 'document') && p.source.kind === 'url'))
}

async function download (transport: Transport, url: string, limits: InlineLimits, signal: AbortSignal): Promise<{ data: string, mediaType: string }> {
  if (!/^https?:\/\//i.test(url)) throw invalidRequest(`Only http(s) URLs can be fetched, got "${url.slice(0, 40)}"`, 'image_url')
  const res = await transport.request({ url, method: 'GET', headers: { accept: 'image/*,application/pdf,*/*;q=0.5' }, signal: AbortSignal.any([signal, AbortSignal.timeout(limits.timeoutMs)]) })
  if (res.status < 200 || res.status >= 300) {
    await res.body.dump()
    throw invalidRequest(`Could not fetch ${url}: HTTP ${res.status}`, 'image_url')
  }
  const declared = Number(res.headers['content-length'])
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await res.body.dump()
    throw new GatewayError({ kind: 'request_too_large', status: 413, message: `The file at ${url} is larger than ${limits.maxBytes} bytes` })
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body) {
    size += chunk.length
    if (size > limits.maxBytes) {
      res.body.destroy()
      throw new GatewayError({ kind: 'request_too_large', status: 413, message: `The file at ${url} is larger than ${limits.maxBytes} bytes` })
    }
    chunks.push(Buffer.from(chunk))
  }
  const type = res.headers['content-type']
  const mediaType = (typeof type === 'string' ? type.split(';')[0]?.trim() : undefined) ?? 'application/octet-stream'
  return { data: Buffer.concat(chunks).toString('base64'), mediaType }
}

/**
 * Replaces http(s) image and document URLs with their bytes, for upstreams that cannot fetch URLs themselves
 * (Gemini accepts only Files-API/YouTube URIs there; Kiro only bytes). Fetches run in parallel, each with a size cap
 * and a timeout; a failed fetch is the client's 400, not a silent drop.
 */
export async function inlineRemoteMedia (req: ChatRequest, transport: Transport, signal: AbortSignal, limits = DEFAULT_INLINE_LIMITS): Promise<ChatRequest> {
  if (!hasUrlMedia(req)) return req
  const cache = new Map<string, Promise<{ data: string, mediaType: string }>>()
  const fetchOnce = async (url: string) => {
    let p = cache.get(url)
    if (p === undefined) {
      p = download(transport, url, limits, signal)
      cache.set(url, p)
    }
    return await p
  }
  const inline = async <P extends Media>(part: P): Promise<P> => {
    if (part.source.kind !== 'url') return part
    const { data, mediaType } = await fetchOnce(part.source.url)
    return { ...part, source: { kind: 'base64', mediaType: part.source.mediaType ?? mediaType, data } }
  }
  const messages = await Promise.all(req.messages.map(async (m): Promise<Message> => {
    if (m.role === 'assistant') return m
    const content = await Promise.all(m.content.map(async p => {
      if (p.type === 'image' || p.type === 'document') return await inline(p)
      if (p.type === 'tool_result') return { ...p, content: await Promise.all(p.content.map(async c => c.type === 'text' ? c : await inline(c))) }
      return p
    }))
    return { role: 'user', content }
  }))
  return { ...req, messages }
}
