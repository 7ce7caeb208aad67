/** google.rpc status names per HTTP status (FORMATS.md §7, errors). */
export function googleStatusName (status: number): string {
  switch (status) {
    case 400: case 413: case 422: return 'INVALID_ARGUMENT'
    case 401: return 'UNAUTHENTICATED'
    case 402: return 'FAILED_PRECONDITION'
    case 403: return 'PERMISSION_DENIED'
    case 404: return 'NOT_FOUND'
    case 409: return 'ABORTED'
    case 429: return 'RESOURCE_EXHAUSTED'
    case 499: return 'CANCELLED'
    case 501: return 'UNIMPLEMENTED'
    case 502: case 503: case 529: return 'UNAVAILABLE'
    case 504: return 'DEADLINE_EXCEEDED'
    default: return status >= 500 ? 'INTERNAL' : status >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN'
  }
}
