import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ClaudeProvider } from './provider.js'
import { anthropicReader } from './reader.js'
import { shouldRegister } from '../shared/registration.js'

/** claude-custom: the Anthropic API (CLAUDE_API_KEY, CLAUDE_BASE_URL). Registered when a key is set or it is named. */
async function claudeCustomProvider (fastify: FastifyInstance): Promise<void> {
  const c = fastify.gatewayConfig
  fastify.gatewayProviders.addReader(anthropicReader)
  if (!shouldRegister(c, 'claude-custom', c.CLAUDE_API_KEY !== undefined)) return
  fastify.gatewayProviders.add(new ClaudeProvider({
    id: 'claude-custom',
    baseUrl: c.CLAUDE_BASE_URL,
    ...(c.CLAUDE_API_KEY === undefined ? {} : { apiKey: c.CLAUDE_API_KEY })
  }, fastify.gatewayTransport))
}

export default fp(claudeCustomProvider, {
  name: 'switchboard-provider-claude-custom',
  fastify: '5.x',
  dependencies: ['switchboard-config', 'switchboard-providers', 'switchboard-transport']
})
