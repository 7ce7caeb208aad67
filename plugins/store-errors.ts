/**
 * The state store could not be reached or cannot serve right now (connection refused or lost, command timed out,
 * server loading or read-only). A caller may fall back to local state; any other store error is a bug and is
 * rethrown as it is.
 */
export class StoreUnavailableError extends Error {
  constructor (message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'StoreUnavailableError'
  }
}

export function isStoreUnavailable (err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError
}
