import { ClaudeMessagesRequest } from '../../../schemas/anthropic/messages-request.js'
import { compileBodyCheck } from '../../../plugins/body-check.js'
import { routeOfBody, type SurfaceCodec } from '../../surface-codec.js'
import { decodeMessagesRequest } from './decode-request.js'
import { encodeClaudeResponse } from './encode-response.js'
import { editClaudeSystem, withClaudeModel } from './passthrough.js'
import { renderClaudeError } from './render-error.js'
import { createClaudeStreamEncoder } from './stream-encoder.js'

/** The Anthropic Messages surface: pure translation between Claude wire objects and the canonical model. */
export const claudeCodec: SurfaceCodec<ClaudeMessagesRequest> = {
  protocol: 'anthropic',
  routeOf: routeOfBody,
  checkRequest: compileBodyCheck(ClaudeMessagesRequest),
  decodeRequest: decodeMessagesRequest,
  encodeResponse: encodeClaudeResponse,
  createStreamEncoder: createClaudeStreamEncoder,
  renderError: renderClaudeError,
  editSystem: editClaudeSystem,
  withModel: withClaudeModel
}

export { decodeClaudeRequest, decodeSystem } from './decode-request.js'
export { parseClaudeErrorBody } from './render-error.js'
export { toClaudeModelInfo, toClaudeModelList } from './models.js'
