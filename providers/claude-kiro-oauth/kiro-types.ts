import type { KiroToolSpecification } from './request-tools.js'

/** The generateAssistantResponse request body (FORMATS.md §6 "Body"). */

export interface KiroImage {
  /** png | jpeg | gif | webp */
  format: string
  source: { bytes: string }
}

export interface KiroToolResult {
  toolUseId: string
  content: Array<{ text: string }>
  status: 'success' | 'error'
}

export interface KiroToolUse {
  toolUseId: string
  name: string
  input: Record<string, unknown>
}

export interface KiroUserInputMessage {
  content: string
  modelId: string
  origin: string
  images?: KiroImage[]
  userInputMessageContext?: {
    tools?: KiroToolSpecification[]
    toolResults?: KiroToolResult[]
  }
  additionalModelRequestFields?: Record<string, unknown>
}

export interface KiroAssistantResponseMessage {
  content: string
  toolUses?: KiroToolUse[]
}

export type KiroHistoryEntry =
  | { userInputMessage: KiroUserInputMessage }
  | { assistantResponseMessage: KiroAssistantResponseMessage }

export interface KiroRequestBody {
  profileArn?: string
  conversationState: {
    chatTriggerType: 'MANUAL'
    conversationId: string
    agentTaskType: 'vibe'
    agentContinuationId?: string
    history?: KiroHistoryEntry[]
    currentMessage: { userInputMessage: KiroUserInputMessage }
  }
}
