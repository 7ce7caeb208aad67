import { GatewayError } from '../../plugins/gateway-error.js'

/**
 * A failed OAuth token request. A permanent one (revoked or missing refresh token) cannot be fixed by retrying and
 * carries `permanentCode`; a 429 is a rate limit; anything else is the token endpoint's fault. Always
 * credential-scoped, so a pool moves on to another credential.
 */
export function oauthFailure (status: number, message: string, permanent: boolean, codes: { permanent: string, transient: string }): GatewayError {
  return new GatewayError({
    kind: status === 429 ? 'rate_limit' : permanent ? 'authentication' : 'bad_gateway',
    status,
    message,
    credentialScoped: true,
    ...(permanent ? { code: codes.permanent, shouldRetry: false } : { code: codes.transient })
  })
}
