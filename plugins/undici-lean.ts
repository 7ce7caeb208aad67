/**
 * The undici dispatchers the gateway uses, loaded from undici's own files instead of its index. The index also
 * evaluates fetch, WebSocket, cookies, cache stores, mock agents and interceptors at import, code the gateway never
 * calls (plain `request` through an agent): ~50 ms of the bundled CLI's start-up CPU (median of 15 starts).
 * undici's package.json has no "exports" map, so these paths resolve; the types still come from 'undici'.
 */
import type { Agent as AgentClass, buildConnector as buildConnectorFn } from 'undici'
import AgentImpl from 'undici/lib/dispatcher/agent.js'
import buildConnectorImpl from 'undici/lib/core/connect.js'
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js'
import api from 'undici/lib/api/index.js'
// The index also installs an undici Agent as the process-wide global dispatcher, which Node's built-in fetch then
// uses instead of its own bundled undici (6.x on Node 20). Kept, so nothing changes for code sharing the process
// (embedding apps, the tests' in-process fetch clients, whose mid-stream aborts close the socket only this way).
import 'undici/lib/global.js'

// What undici's index does: request/stream/pipeline/upgrade/connect live on every dispatcher's prototype.
// Transport calls dispatcher.request. Idempotent when an embedding app loads the full undici too (same module
// instances, same functions).
Object.assign(DispatcherImpl.prototype, api)

export const Agent: typeof AgentClass = AgentImpl
export const buildConnector: typeof buildConnectorFn = buildConnectorImpl
