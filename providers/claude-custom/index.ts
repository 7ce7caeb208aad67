import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ClaudeProvider } from './provider.js'
import { anthropicReader } from './reader.js'
import { registerProviderType } from '../shared/registration.js'

/** claude-custom: the Anthropic API (CLAUDE_API_KEY, CLAUDE_BASE_URL). */
async function claudeCustomProvider (fastify: FastifyInstance): Promise<void> {
  registerProviderType(fastify, {
    type: 'claude-custom',
    reader: anthropicReader,
    configured: c => c.CLAUDE_API_KEY !== undefined,
    create: (id, c, deps) => new ClaudeProvider({
      id,
      baseUrl: c.CLAUDE_BASE_URL,
      ...(c.CLAUDE_API_KEY === undefined ? {} : { apiKey: c.CLAUDE_API_KEY })
    }, deps.transport)
  })
}

export default fp(claudeCustomProvider, {
  name: 'switchboard-provider-claude-custom',
  fastify: '5.x',
  dependencies: ['switchboard-providers', 'switchboard-pools', 'switchboard-transport']
})
