import type { AssistantPart, ReasoningPart } from '../../../schemas/canonical.js'
import type { TranslateContext } from '../../../schemas/translate-context.js'
import { toEncryptedContent } from './signature-tag.js'

/** Response output items as the wire carries them (FORMATS.md §2), built in the order OpenAI writes the fields. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete'
export type OutputItem = Record<string, unknown> & { type: string, id: string }

export function outputTextPart (text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] }
}

export function messageItem (id: string, text: string | undefined, status: ItemStatus): OutputItem {
  return { type: 'message', id, role: 'assistant', status, content: text === undefined ? [] : [outputTextPart(text)] }
}

export function reasoningItem (id: string, summary: string | undefined, encrypted?: string): OutputItem {
  const item: OutputItem = { type: 'reasoning', id, summary: summary === undefined ? [] : [{ type: 'summary_text', text: summary }] }
  if (encrypted !== undefined) item.encrypted_content = encrypted
  return item
}

export function functionCallItem (id: string, callId: string, name: string, args: string, status: ItemStatus): OutputItem {
  return { type: 'function_call', id, call_id: callId, name, arguments: args, status }
}

/** The `encrypted_content` of a reasoning part, or undefined when it carries no signature. */
export function reasoningPayload (part: ReasoningPart): string | undefined {
  if (part.redacted !== undefined) return toEncryptedContent({ kind: 'redacted', data: part.redacted })
  if (part.signature === undefined) return undefined
  return toEncryptedContent({ kind: 'reasoning', signature: part.signature, source: part.signatureSource ?? 'openai' })
}

/** Function-call ids must be unique and non-empty for the SDK; upstream ids are kept when they are. */
export class CallIds {
  private readonly seen = new Set<string>()
  constructor (private readonly ctx: TranslateContext) {}

  take (upstream: string): string {
    const id = upstream === '' || this.seen.has(upstream) ? this.ctx.id('call_') : upstream
    this.seen.add(id)
    return id
  }
}

export interface ItemOptions {
  ctx: TranslateContext
  /** The client asked for `reasoning.encrypted_content` in `include`. */
  encrypted: boolean
}

function pushPart (items: OutputItem[], part: AssistantPart, opts: ItemOptions, calls: CallIds): void {
  const { ctx } = opts
  switch (part.type) {
    case 'text': {
      const last = items.at(-1)
      const content = last?.type === 'message' ? last.content as Array<{ text: string }> : undefined
      if (content?.[0] !== undefined) content[0].text += part.text
      else items.push(messageItem(ctx.id('msg_'), part.text, 'completed'))
      return
    }
    case 'reasoning': {
      const payload = opts.encrypted ? reasoningPayload(part) : undefined
      items.push(reasoningItem(ctx.id('rs_'), part.text === '' ? undefined : part.text, payload))
      return
    }
    case 'tool_call':
      if (opts.encrypted && part.signature !== undefined) {
        const tag = toEncryptedContent({ kind: 'call', signature: part.signature, source: part.signatureSource ?? 'gemini' })
        items.push(reasoningItem(ctx.id('rs_'), undefined, tag))
      }
      items.push(functionCallItem(ctx.id('fc_'), calls.take(part.id), part.name, part.arguments, 'completed'))
      return
    case 'image':
      // Generated images: only inline data has a Responses form; URL and file images are not represented.
      if (part.source.kind === 'base64') items.push({ type: 'image_generation_call', id: ctx.id('ig_'), status: 'completed', result: part.source.data })
  }
}

/** Canonical assistant content → output items, in order; adjacent text parts share one message. */
export function toOutputItems (content: AssistantPart[], opts: ItemOptions, incomplete: boolean): OutputItem[] {
  const items: OutputItem[] = []
  const calls = new CallIds(opts.ctx)
  for (const part of content) pushPart(items, part, opts, calls)
  const last = items.at(-1)
  if (incomplete && (last?.type === 'message' || last?.type === 'function_call')) last.status = 'incomplete'
  return items
}
