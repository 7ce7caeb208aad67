import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { KiroProvider } from './provider.js'
import { registerProviderType } from '../shared/registration.js'

/** claude-kiro-oauth: Claude through a Kiro login (token file or base64 credentials). */
async function kiroProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'claude-kiro-oauth',
    configured: c => c.KIRO_OAUTH_CREDS_FILE_PATH !== undefined || c.KIRO_OAUTH_CREDS_BASE64 !== undefined,
    create: (id, c, deps) => new KiroProvider({
      id,
      ...(c.KIRO_OAUTH_CREDS_FILE_PATH === undefined ? {} : { filePath: c.KIRO_OAUTH_CREDS_FILE_PATH }),
      ...(c.KIRO_OAUTH_CREDS_BASE64 === undefined ? {} : { base64: c.KIRO_OAUTH_CREDS_BASE64 }),
      refreshUrls: { social: c.KIRO_REFRESH_URL, idc: c.KIRO_REFRESH_IDC_URL },
      apiUrlTemplate: c.KIRO_BASE_URL,
      modelMap: c.KIRO_MODEL_MAP,
      refreshMarginMs: c.CRON_NEAR_MINUTES * 60_000,
      backgroundRefresh: c.CRON_REFRESH_TOKEN
    }, deps)
  })
}

export default fp(kiroProvider, {
  name: 'switchboard-provider-claude-kiro-oauth',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport', 'switchboard-state']
})
