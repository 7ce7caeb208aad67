import type { ModelInfo } from '../../../schemas/canonical.js'
import type { GeminiModel, GeminiModelList } from '../../../schemas/gemini/models.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'
import { bareModelName } from './decode-request.js'

const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens']
/** Google's default page size for models.list. */
const DEFAULT_PAGE_SIZE = 50

/** One model as `GET /v1beta/models/{model}` shows it. */
export function encodeGeminiModel (info: ModelInfo): GeminiModel {
  const id = bareModelName(info.id)
  const model: GeminiModel = {
    name: `models/${id}`,
    baseModelId: id,
    version: '001',
    displayName: info.displayName ?? id,
    supportedGenerationMethods: METHODS
  }
  if (info.inputTokenLimit !== undefined) model.inputTokenLimit = info.inputTokenLimit
  if (info.outputTokenLimit !== undefined) model.outputTokenLimit = info.outputTokenLimit
  if (info.thinking !== undefined) model.thinking = info.thinking
  return model
}

/**
 * `GET /v1beta/models?pageSize&pageToken`: the page token is the offset of the next page (opaque to clients,
 * base64url), stable as long as the model list is.
 */
export function encodeGeminiModelList (models: readonly ModelInfo[], query: { pageSize?: number, pageToken?: string } = {}): GeminiModelList {
  const size = query.pageSize ?? DEFAULT_PAGE_SIZE
  let offset = 0
  if (query.pageToken !== undefined && query.pageToken !== '') {
    const text = Buffer.from(query.pageToken, 'base64url').toString('utf8')
    if (!/^\d{1,9}$/.test(text)) throw invalidRequest('invalid pageToken', 'pageToken')
    offset = Number(text)
  }
  const page = models.slice(offset, offset + size).map(encodeGeminiModel)
  const list: GeminiModelList = { models: page }
  if (offset + size < models.length) list.nextPageToken = Buffer.from(String(offset + size)).toString('base64url')
  return list
}
