import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import pino, { type Logger } from 'pino'
import type { Dispatcher } from 'undici'
import switchboard from './app.js'
import type { GatewayConfig } from './schemas/config.js'
import type { StateStore } from './plugins/state-store.js'
import { ConfigError } from './plugins/config-loader.js'
import { createIdGenerator } from './plugins/translate-context.js'
import { cachedTypeBoxCompiler } from './plugins/validator-compiler.js'

export interface ServerOptions {
  dispatcher?: Dispatcher
  store?: StateStore
  /** A pino destination stream for the server log (tests read log lines back from it). */
  logStream?: NodeJS.WritableStream
  /** See SwitchboardOptions.onGateway. */
  onGateway?: (gateway: FastifyInstance) => void
  /** See SwitchboardOptions.proxyEnv. */
  proxyEnv?: NodeJS.ProcessEnv
}

/** Query parameters that carry credentials (Gemini's ?key=). */
const SECRET_QUERY = /([?&](?:key|api_key|apikey|access_token)=)[^&]*/gi

export function redactUrl (url: string): string {
  // Most URLs have no query at all: no regex pass on every log line for them.
  return url.includes('=') ? url.replace(SECRET_QUERY, '$1[REDACTED]') : url
}

export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** What a log line says of a request: no headers, credential query parameters masked. */
function requestFields (req: { method: string, url: string, ip?: string }): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }
}

/**
 * One log line per request instead of Fastify's two ("incoming request" and "request completed" cost ~10 % of a
 * passthrough request's CPU): the completion line carries the request fields too. Errors keep Fastify's lines.
 *
 * The line is written by its own logger, on the same destination, without the redaction paths: it is built here
 * from fields that hold no secret (method, URL with credential parameters masked, client address, status), and
 * the wildcard redaction the main logger applies to every object costs as much as the rest of the line.
 */
class OneLineLogController extends LogController {
  constructor (private readonly line: Logger) {
    super()
  }

  override incomingRequest (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error !== null && error !== undefined) {
      super.requestCompleted(error, request, reply)
      return
    }
    if (!this.line.isLevelEnabled('info')) return
    this.line.info({
      reqId: request.id,
      req: requestFields(request),
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime
    }, 'request completed')
  }
}

/** Builds the standalone server: logger with secrets redacted, request ids, trusted proxy, the gateway plugin. */
export async function buildServer (config: GatewayConfig, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const requestId = createIdGenerator(20)
  // pino's own default destination (asynchronous stdout), made here so the request line can share it.
  const destination = opts.logStream ?? pino.destination({ dest: process.stdout.fd ?? 1, sync: false })
  const fastify = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-goog-api-key"]', 'headers.authorization', '*.apiKey', '*.accessToken', '*.refreshToken', '*.access_token', '*.refresh_token'],
        censor: '[REDACTED]'
      },
      serializers: { req: requestFields },
      stream: destination
    },
    bodyLimit: config.BODY_LIMIT,
    logController: new OneLineLogController(pino({ level: config.LOG_LEVEL }, destination)),
    // Validation is TypeBox and no route has a response schema: Ajv and fast-json-stringify never load.
    schemaController: {
      compilersFactory: {
        // Fastify types this factory as Ajv's; a TypeBox compiler has the same runtime contract.
        buildValidator: (() => cachedTypeBoxCompiler()) as never,
        buildSerializer: () => () => (data: unknown) => JSON.stringify(data)
      }
    },
    genReqId: () => requestId('req_'),
    trustProxy: config.TRUST_PROXY === undefined ? false : config.TRUST_PROXY.split(',').map(s => s.trim()),
    forceCloseConnections: 'idle',
    return503OnClosing: true
  })
  await fastify.register(switchboard, {
    config,
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
    ...(opts.store === undefined ? {} : { store: opts.store }),
    ...(opts.onGateway === undefined ? {} : { onGateway: opts.onGateway }),
    ...(opts.proxyEnv === undefined ? {} : { proxyEnv: opts.proxyEnv })
  })
  return fastify
}

/**
 * Listens on HOST:SERVER_PORT. Without REQUIRED_API_KEY the gateway is open, so it only binds to loopback and says
 * so; a non-loopback HOST then is refused rather than silently exposed.
 */
export async function listen (fastify: FastifyInstance, config: GatewayConfig): Promise<string> {
  const open = config.REQUIRED_API_KEY === undefined || config.REQUIRED_API_KEY === ''
  if (open && !isLoopback(config.HOST)) {
    throw new ConfigError('HOST', `refusing to listen on ${config.HOST} without REQUIRED_API_KEY: set a key, or use 127.0.0.1`)
  }
  const address = await fastify.listen({ host: config.HOST, port: config.SERVER_PORT })
  if (open) fastify.log.warn('No REQUIRED_API_KEY set: the gateway accepts any client, so it listens on loopback only')
  return address
}
