import { OpenAIChatRequest } from '../../../schemas/openai/chat-request.js'
import { compileBodyCheck } from '../../../plugins/body-check.js'
import { routeOfBody, type SurfaceCodec } from '../../surface-codec.js'
import { decodeOpenAIChatRequest } from './decode-request.js'
import { editOpenAISystem, withOpenAIModel } from './edit-system.js'
import { encodeOpenAIChatResponse } from './encode-response.js'
import { renderOpenAIError } from './render-error.js'
import { createOpenAIStreamEncoder } from './stream-encoder.js'

/** The OpenAI Chat Completions surface codec (FORMATS.md §1). */
export const openaiChatCodec: SurfaceCodec<OpenAIChatRequest> = {
  protocol: 'openai',
  routeOf: routeOfBody,
  checkRequest: compileBodyCheck(OpenAIChatRequest),
  decodeRequest: decodeOpenAIChatRequest,
  encodeResponse: encodeOpenAIChatResponse,
  createStreamEncoder: createOpenAIStreamEncoder,
  renderError: renderOpenAIError,
  editSystem: editOpenAISystem,
  withModel: withOpenAIModel
}

export { toOpenAIModel, toOpenAIModelList } from './models.js'
export { openAIErrorBody, errorObjectFor } from './render-error.js'
