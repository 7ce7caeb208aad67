import type { GatewayError } from '../../../plugins/gateway-error.js'
import { errorObjectFor, renderOpenAIError, type OpenAIErrorObject } from '../../openai/codec/render-error.js'

/**
 * Responses speaks OpenAI's error vocabulary (FORMATS.md §7): one table, in the chat codec. Stream error events
 * (`error`, `response.failed`) always carry a code, so a server error without one says server_error.
 */
export function openAiError (err: GatewayError): OpenAIErrorObject {
  const body = errorObjectFor(err.kind, err.message, err.code, err.param)
  return body.code === null ? { ...body, code: err.status >= 500 ? 'server_error' : body.type } : body
}

export const renderResponsesError = renderOpenAIError
