import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { MAX_BROADCAST_RECIPIENTS } from '../../domain/broadcasts/broadcast.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { broadcastProblem } from './broadcastProblems.js';

/** 10,000 ids of up to 15 digits and the text fit in 256 KB. */
const MAX_BROADCAST_BODY_BYTES = 256 * 1024;

/** DESIGN.md: `{broadcastId (uuid), text, customerIds}`; a customer listed twice is one recipient. */
const broadcastSchema = z
  .object({
    broadcastId: z.uuid({ message: 'broadcastId must be a UUID' }).transform((id) => id.toLowerCase()),
    text: z.string().trim().min(1, 'text must not be empty').max(918, 'text must be at most 918 characters (6 SMS parts)'),
    customerIds: z
      .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER), { message: 'customerIds must be a list of customer ids' })
      .min(1, 'customerIds must name at least one customer')
      .max(MAX_BROADCAST_RECIPIENTS, `customerIds may name at most ${MAX_BROADCAST_RECIPIENTS} customers`)
      .transform((ids) => [...new Set(ids)]),
  })
  .strict();

/** POST /api/broadcasts: one text to many customers, each now or at their next contact window. */
export async function sendBroadcastHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const body = await readJsonBody(request, broadcastSchema, { maxBytes: MAX_BROADCAST_BODY_BYTES });
    if (!body.ok) return body.response;
    const result = await (await getRelay()).sendBroadcast(body.value);
    switch (result.outcome) {
      case 'unknown-customers': {
        const shown = result.customerIds.slice(0, 10).join(', ');
        const more = result.customerIds.length > 10 ? ` and ${result.customerIds.length - 10} more` : '';
        return broadcastProblem('unknown-customers', `customerIds names customers not known to Repair Relay: ${shown}${more}; nothing was sent`, { unknownCustomerIds: result.customerIds.slice(0, 100) });
      }
      case 'conflict':
        return broadcastProblem('conflict', result.detail);
      case 'accepted':
        return json(202, { broadcastId: result.broadcastId, ...result.counts });
    }
  });
}

app.http('sendBroadcast', { route: 'broadcasts', methods: ['POST'], authLevel: 'function', handler: sendBroadcastHandler });
