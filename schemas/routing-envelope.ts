import { Type, type Static } from '@sinclair/typebox'

/**
 * What a chat route validates before routing: a JSON object naming its model, and a stream flag if any. The rest is
 * checked against the surface's full schema only when the request is translated; a passthrough request goes to the
 * upstream as sent, and the upstream judges it (the gateway never refuses what the upstream would serve).
 */
export const RoutingEnvelope = Type.Object({
  model: Type.String(),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()]))
}, { additionalProperties: true })
export type RoutingEnvelope = Static<typeof RoutingEnvelope>
