import { randomBytes } from 'node:crypto'
import { defaultGeminiCredsPath, writeGeminiCredentials } from '../providers/gemini-cli-oauth/credentials.js'
import { buildAuthorizationUrl, createPkcePair, DEFAULT_GOOGLE_AUTH_URL, exchangeAuthorizationCode } from '../providers/gemini-cli-oauth/oauth.js'
import { commandTransport, loadCommandConfig, type CommandIo } from './io.js'
import { startCallbackServer } from './oauth-callback.js'

export const LOGIN_GEMINI_USAGE = `Usage: switchboard login gemini [--config FILE] [--gemini-oauth-creds-file PATH]

Signs in with Google the way Gemini CLI does ("Login with Google", Gemini Code Assist) and saves the credentials
to GEMINI_OAUTH_CREDS_FILE_PATH (default ~/.gemini/oauth_creds.json, the file Gemini CLI itself uses).
Open the printed URL in a browser on this machine; Google redirects back to a loopback address here.
GEMINI_OAUTH_AUTH_URL and GEMINI_OAUTH_TOKEN_URL override Google's endpoints.`

const LOGIN_TIMEOUT_MS = 5 * 60_000

/**
 * `switchboard login gemini`: the OAuth loopback flow with PKCE for the Gemini CLI client. Prints the
 * authorization URL, receives the code on 127.0.0.1, exchanges it, and writes the credentials atomically (0600).
 */
export async function runLoginGemini (argv: string[], io: CommandIo): Promise<number> {
  const config = loadCommandConfig(argv, io)
  const target = config.GEMINI_OAUTH_CREDS_FILE_PATH ?? defaultGeminiCredsPath()
  const authUrl = io.env.GEMINI_OAUTH_AUTH_URL ?? DEFAULT_GOOGLE_AUTH_URL
  const state = randomBytes(24).toString('hex')
  const pkce = createPkcePair()
  const callback = await startCallbackServer(state, LOGIN_TIMEOUT_MS)
  const transport = commandTransport(config, 'gemini-cli-oauth', io.env)
  try {
    io.out('Open this URL in a browser and sign in with the Google account to use for Gemini:')
    io.out('')
    io.out(buildAuthorizationUrl(authUrl, { redirectUri: callback.redirectUri, state, codeChallenge: pkce.challenge }))
    io.out('')
    io.out(`Waiting for Google to redirect to ${callback.redirectUri} (the browser must run on this machine) …`)
    const { code, reply } = await callback.result
    try {
      const creds = await exchangeAuthorizationCode(transport, config.GEMINI_OAUTH_TOKEN_URL, {
        code, codeVerifier: pkce.verifier, redirectUri: callback.redirectUri
      }, AbortSignal.timeout(60_000))
      await writeGeminiCredentials(target, creds)
      await reply(true, 'Switchboard is signed in. You can close this tab.')
      const expires = creds.expiryDate === undefined ? '' : `; the access token is valid until ${new Date(creds.expiryDate).toISOString()} and renews itself`
      io.out(`Signed in. Credentials saved to ${target} (mode 0600)${expires}.`)
    } catch (err) {
      await reply(false, 'Switchboard could not finish the sign-in; see the terminal.')
      throw err
    }
    if (config.GEMINI_OAUTH_CREDS_FILE_PATH === undefined) {
      io.out(`Use it with: GEMINI_OAUTH_CREDS_FILE_PATH=${target} (or MODEL_PROVIDER=gemini-cli-oauth), then check it with "switchboard credentials check".`)
    }
    return 0
  } finally {
    await callback.close()
    await transport.close()
  }
}
