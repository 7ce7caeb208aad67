import type { ChatRequest, ChatResponse, Message } from '../../../schemas/canonical.js'

/**
 * `previous_response_id` support. The route resolves the id in the state store (the gateway never asks an
 * upstream to keep anything) and these two pure functions move conversations in and out of it.
 * Instructions are not part of a stored conversation: the API does not carry them over to the next response.
 */

/** The request continued from an earlier conversation: its messages after the stored ones. */
export function prependHistory (req: ChatRequest, history: Message[]): ChatRequest {
  if (history.length === 0) return req
  const names = new Map<string, string>()
  for (const message of history) {
    for (const part of message.content) if (part.type === 'tool_call') names.set(part.id, part.name)
  }
  // Results of calls made in an earlier response could not learn their tool's name at decode time.
  const messages: Message[] = req.messages.map(message => {
    if (message.role !== 'user' || !message.content.some(p => p.type === 'tool_result' && p.name === undefined)) return message
    return {
      role: 'user',
      content: message.content.map(p => {
        if (p.type !== 'tool_result' || p.name !== undefined) return p
        const name = names.get(p.callId)
        return name === undefined ? p : { ...p, name }
      })
    }
  })
  return { ...req, messages: [...history, ...messages] }
}

/**
 * What to store under the new response's id: the full conversation so far (pass the request after
 * prependHistory) and the assistant's answer, reasoning signatures included so the next turn can replay them.
 */
export function toStoredConversation (req: ChatRequest, res: ChatResponse): Message[] {
  if (res.content.length === 0) return [...req.messages]
  return [...req.messages, { role: 'assistant', content: res.content }]
}
