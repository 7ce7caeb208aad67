import type { FastifyPluginAsync } from 'fastify'
import openaiRoutes from './openai/index.js'
import claudeRoutes from './claude/index.js'
import geminiRoutes from './gemini/index.js'
import responsesRoutes from './responses/index.js'
import modelRoutes from './models.js'

/** Every API surface. Registered twice by app.ts: at the root and under /{provider} (which selects the provider). */
const apiRoutes: FastifyPluginAsync = async (fastify) => {
  await fastify.register(openaiRoutes)
  await fastify.register(claudeRoutes)
  await fastify.register(geminiRoutes)
  await fastify.register(responsesRoutes)
  await fastify.register(modelRoutes)
}

export default apiRoutes
