/**
 * The undici dispatchers the gateway uses, loaded from undici's own files instead of its index. The index also
 * evaluates fetch, WebSocket, cookies, cache stores, mock agents and interceptors at import: ~40 % of start-up
 * module evaluation in the bundled CLI, for code the gateway never calls (plain `request` through an agent).
 * undici's package.json has no "exports" map, so these paths resolve; the types still come from 'undici'.
 */
import type { Agent as AgentClass, EnvHttpProxyAgent as EnvHttpProxyAgentClass, ProxyAgent as ProxyAgentClass } from 'undici'
import AgentImpl from 'undici/lib/dispatcher/agent.js'
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import ProxyAgentImpl from 'undici/lib/dispatcher/proxy-agent.js'
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js'
import api from 'undici/lib/api/index.js'

// What undici's index does: request/stream/pipeline/upgrade/connect live on every dispatcher's prototype.
// Transport calls dispatcher.request; ProxyAgent tunnels through its client's connect(). Idempotent when an
// embedding app loads the full undici too (same module instances, same functions).
Object.assign(DispatcherImpl.prototype, api)

export const Agent: typeof AgentClass = AgentImpl
export const ProxyAgent: typeof ProxyAgentClass = ProxyAgentImpl
export const EnvHttpProxyAgent: typeof EnvHttpProxyAgentClass = EnvHttpProxyAgentImpl
