/** `data:<mime>[;param…];base64,<data>` → its parts; undefined when the text is not a base64 data URL. */
export function parseDataUrl (url: string): { mediaType: string, data: string } | undefined {
  if (!url.startsWith('data:')) return undefined
  const comma = url.indexOf(',')
  if (comma < 0) return undefined
  const meta = url.slice(5, comma).split(';')
  if (meta.at(-1)?.toLowerCase() !== 'base64') return undefined
  const mediaType = meta[0] === undefined || meta[0] === '' || meta.length < 2 ? 'application/octet-stream' : meta[0].toLowerCase()
  return { mediaType, data: url.slice(comma + 1) }
}

export function toDataUrl (mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`
}

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp'
}

/** Media type guessed from a file name; PDF when unknown (the only file type every upstream takes). */
export function mediaTypeForFilename (filename: string | undefined): string {
  const ext = filename?.split('.').pop()?.toLowerCase()
  return (ext === undefined ? undefined : EXTENSION_TYPES[ext]) ?? 'application/pdf'
}

/** A file name for a media type, for upstreams that require one with inline file data. */
export function filenameForMediaType (mediaType: string): string {
  for (const [ext, type] of Object.entries(EXTENSION_TYPES)) if (type === mediaType) return `document.${ext}`
  return 'document'
}
