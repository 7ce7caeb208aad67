import type { ErrorKind } from '../../plugins/gateway-error.js'

/** Anthropic `error.type` values (FORMATS.md §7 Errors). */
export type ClaudeErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error'

const BY_KIND: Readonly<Record<ErrorKind, ClaudeErrorType>> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  billing: 'billing_error',
  not_found: 'not_found_error',
  conflict: 'conflict_error',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  internal: 'api_error',
  upstream_error: 'api_error',
  bad_gateway: 'api_error',
  overloaded: 'overloaded_error',
  unavailable: 'overloaded_error',
  timeout: 'timeout_error'
}

const BY_TYPE: Readonly<Record<ClaudeErrorType, { kind: ErrorKind, status: number }>> = {
  invalid_request_error: { kind: 'invalid_request', status: 400 },
  authentication_error: { kind: 'authentication', status: 401 },
  billing_error: { kind: 'billing', status: 402 },
  permission_error: { kind: 'permission', status: 403 },
  not_found_error: { kind: 'not_found', status: 404 },
  conflict_error: { kind: 'conflict', status: 409 },
  request_too_large: { kind: 'request_too_large', status: 413 },
  rate_limit_error: { kind: 'rate_limit', status: 429 },
  api_error: { kind: 'upstream_error', status: 500 },
  overloaded_error: { kind: 'overloaded', status: 529 },
  timeout_error: { kind: 'timeout', status: 504 }
}

export function claudeErrorTypeFor (kind: ErrorKind): ClaudeErrorType {
  return BY_KIND[kind]
}

/** The gateway kind and the status Anthropic uses for an `error.type`, or undefined for types it does not know. */
export function kindForClaudeErrorType (type: string): { kind: ErrorKind, status: number } | undefined {
  return Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type as ClaudeErrorType] : undefined
}
