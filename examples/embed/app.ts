import Fastify, { type FastifyInstance } from 'fastify'
import switchboard from '../../app.js'

/**
 * An existing Fastify app with its own routes and its own auth, registering Switchboard under /llm.
 * Its auth hook guards only its own routes: the gateway checks its own key (REQUIRED_API_KEY) under /llm.
 */
export async function buildHostApp (gatewayConfig: Record<string, unknown>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })

  await app.register(async (own) => {
    own.addHook('onRequest', async (request, reply) => {
      if (request.headers['x-host-token'] !== 'host-secret') await reply.code(403).send({ denied: true })
    })
    own.get('/api/profile', async () => ({ user: 'alice' }))
  })
  app.get('/', async () => ({ app: 'host' }))

  // The whole gateway in a few lines.
  await app.register(switchboard, { prefix: '/llm', config: gatewayConfig })
  return app
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const app = await buildHostApp({ OPENAI_API_KEY: process.env.OPENAI_API_KEY, REQUIRED_API_KEY: process.env.LLM_KEY ?? 'change-me' })
  await app.listen({ port: Number(process.env.PORT ?? 8080) })
}
