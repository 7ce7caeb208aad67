import type { DocumentPart, ImagePart } from '../../../schemas/canonical.js'
import type { ResponsesInputFile, ResponsesInputImage } from '../../../schemas/openai/responses-request.js'
import { invalidRequest } from '../../../plugins/gateway-error.js'

interface DataUrl { mediaType: string, base64: boolean, data: string }

/** Splits `data:<type>[;base64],<payload>`; undefined when the text is not a data URL. */
export function parseDataUrl (url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),/.exec(url)
  if (match === null) return undefined
  const params = (match[2] ?? '').split(';').map(p => p.trim().toLowerCase())
  return {
    mediaType: match[1] === '' || match[1] === undefined ? 'text/plain' : match[1],
    base64: params.includes('base64'),
    data: url.slice(match[0].length)
  }
}

const DETAILS = new Set(['auto', 'low', 'high'])

export function toImagePart (part: ResponsesInputImage, param: string): ImagePart {
  const detail = typeof part.detail === 'string' && DETAILS.has(part.detail) ? part.detail as ImagePart['detail'] : undefined
  const extra = detail === undefined ? {} : { detail }
  if (typeof part.image_url === 'string' && part.image_url !== '') {
    const data = parseDataUrl(part.image_url)
    if (data?.base64 === true) return { type: 'image', source: { kind: 'base64', mediaType: data.mediaType, data: data.data }, ...extra }
    return { type: 'image', source: { kind: 'url', url: part.image_url }, ...extra }
  }
  if (typeof part.file_id === 'string' && part.file_id !== '') return { type: 'image', source: { kind: 'file', fileId: part.file_id }, ...extra }
  throw invalidRequest(`Invalid value for '${param}': an input_image needs image_url or file_id.`, `${param}.image_url`)
}

function decodePercent (text: string, param: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw invalidRequest(`Invalid value for '${param}.file_data': malformed data URL.`, `${param}.file_data`)
  }
}

const EXTENSION_TYPES: Record<string, string> = {
  pdf: 'application/pdf', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json', html: 'text/html'
}

function mediaTypeOf (filename: string | undefined): string {
  const ext = filename?.split('.').pop()?.toLowerCase()
  return (ext === undefined ? undefined : EXTENSION_TYPES[ext]) ?? 'application/pdf'
}

export function toDocumentPart (part: ResponsesInputFile, param: string): DocumentPart {
  const filename = typeof part.filename === 'string' && part.filename !== '' ? part.filename : undefined
  const extra = filename === undefined ? {} : { filename }
  if (typeof part.file_data === 'string' && part.file_data !== '') {
    const data = parseDataUrl(part.file_data)
    if (data === undefined) {
      // The API also takes bare base64; the file name is then the only hint of its type.
      return { type: 'document', source: { kind: 'base64', mediaType: mediaTypeOf(filename), data: part.file_data }, ...extra }
    }
    if (data.base64) return { type: 'document', source: { kind: 'base64', mediaType: data.mediaType, data: data.data }, ...extra }
    return { type: 'document', source: { kind: 'text', mediaType: data.mediaType, data: decodePercent(data.data, param) }, ...extra }
  }
  if (typeof part.file_url === 'string' && part.file_url !== '') return { type: 'document', source: { kind: 'url', url: part.file_url }, ...extra }
  if (typeof part.file_id === 'string' && part.file_id !== '') return { type: 'document', source: { kind: 'file', fileId: part.file_id }, ...extra }
  throw invalidRequest(`Invalid value for '${param}': an input_file needs file_data, file_url or file_id.`, `${param}.file_data`)
}
