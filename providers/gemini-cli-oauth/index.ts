import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { GeminiCliProvider } from './provider.js'
import { geminiCliModels } from './models.js'
import { geminiReader } from '../gemini-custom/reader.js'
import { registerProviderType } from '../shared/registration.js'

/** gemini-cli-oauth: Gemini through a Gemini CLI "Login with Google" (Google Code Assist). */
async function geminiCliProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'gemini-cli-oauth',
    // The passthrough answer is plain Gemini, so the Gemini reader decodes it for the prompt log.
    reader: geminiReader,
    configured: c => c.GEMINI_OAUTH_CREDS_FILE_PATH !== undefined || c.GEMINI_OAUTH_CREDS_BASE64 !== undefined,
    create: (id, c, deps) => new GeminiCliProvider({
      id,
      ...(c.GEMINI_OAUTH_CREDS_FILE_PATH === undefined ? {} : { filePath: c.GEMINI_OAUTH_CREDS_FILE_PATH }),
      ...(c.GEMINI_OAUTH_CREDS_BASE64 === undefined ? {} : { base64: c.GEMINI_OAUTH_CREDS_BASE64 }),
      ...(c.PROJECT_ID === undefined ? {} : { projectId: c.PROJECT_ID }),
      tokenUrl: c.GEMINI_OAUTH_TOKEN_URL,
      baseUrl: c.GEMINI_BASE_URL,
      models: geminiCliModels(c.GEMINI_CLI_MODELS),
      refreshMarginMs: c.CRON_NEAR_MINUTES * 60_000,
      backgroundRefresh: c.CRON_REFRESH_TOKEN
    }, deps)
  })
}

export default fp(geminiCliProvider, {
  name: 'switchboard-provider-gemini-cli-oauth',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport', 'switchboard-state']
})
