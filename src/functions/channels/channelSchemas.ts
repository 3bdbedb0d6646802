import { z } from 'zod';
import { GATEWAY_NAMES, isGatewayName } from '../../adapters/gateways/catalogue.js';
import { CHANNELS, isChannel, PRIORITY_RANGE, type Channel, type GatewayName } from '../../domain/channels/ports.js';
import { refuseWith, type HttpResult } from '../http/http.js';
import { okValue } from '../../domain/shared/result.js';

/** Route values are echoed in details only this long: they are the caller's input. */
const echo = (value: string) => JSON.stringify(value.slice(0, 40));

export const prioritySchema = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(PRIORITY_RANGE.min, `must be ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}`)
  .max(PRIORITY_RANGE.max, `must be ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}`);

const gatewayNameSchema = z.enum(GATEWAY_NAMES, { error: `must be one of ${GATEWAY_NAMES.join(', ')}` });

/** POST /api/channels/{channel}/gateways. Credentials are settings, never part of this body. */
export const addGatewaySchema = z.strictObject({ gateway: gatewayNameSchema, priority: prioritySchema });

/** PATCH /api/channels/{channel}/gateways/{gateway}: at least one of the two. */
export const changeGatewaySchema = z
  .strictObject({ priority: prioritySchema.optional(), enabled: z.boolean({ error: 'must be true or false' }).optional() })
  .refine((change) => change.priority !== undefined || change.enabled !== undefined, 'give priority, enabled or both');

/** The `{channel}` of a route: an unknown one is a resource that does not exist (404). */
export function channelFrom(raw: string | undefined): HttpResult<Channel> {
  const value = raw ?? '';
  return isChannel(value) ? okValue(value) : refuseWith(404, `channel ${echo(value)} does not exist; channels are ${CHANNELS.join(', ')}`);
}

/** The `{gateway}` of a route: an unknown one names no route of the channel (404). */
export function gatewayFrom(raw: string | undefined, channel: Channel): HttpResult<GatewayName> {
  const value = raw ?? '';
  return isGatewayName(value)
    ? okValue(value)
    : refuseWith(404, `${channel} has no gateway ${echo(value)}; gateways are ${GATEWAY_NAMES.join(', ')}`);
}
