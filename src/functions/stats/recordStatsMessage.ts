import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { canonicalMessageId } from '../../domain/stats/statsMessage.js';
import { MAX_STATS_MESSAGE_BODY_BYTES, statsMessageSchema } from './statsSchemas.js';
import { statsProblem } from './statsProblems.js';

/** POST /api/stats/messages: one seed 002 message; 201 counted, 200 already counted as is, 409 uuid taken by other content. */
export async function recordStatsMessageHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const body = await readJsonBody(request, statsMessageSchema, { maxBytes: MAX_STATS_MESSAGE_BODY_BYTES });
    if (!body.ok) return body.response;

    const relay = await getRelay();
    const [result] = await relay.recordStatsMessages([body.value]);
    const uuid = canonicalMessageId(body.value.uuid);
    if (result?.outcome === 'created') return json(201, { uuid, status: 'created' });
    if (result?.outcome === 'duplicate') return json(200, { uuid, status: 'duplicate' });
    if (result?.outcome === 'conflict') {
      const { stored } = result;
      return statsProblem('conflict', `uuid ${uuid} was already counted with other content (customerId ${stored.customerId}, type "${stored.type}", amount "${stored.amount}"); nothing changed`);
    }
    throw new Error('the statistics store gave no answer');
  });
}

app.http('recordStatsMessage', { route: 'stats/messages', methods: ['POST'], authLevel: 'function', handler: recordStatsMessageHandler });
