import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getRelay } from '../../processRelay.js';
import type { StatsMessage } from '../../domain/stats/ports.js';
import { canonicalMessageId } from '../../domain/stats/statsMessage.js';
import { answer, json, readJsonBody } from '../http/http.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { statsBatchSchema, statsMessageSchema } from './statsSchemas.js';

/**
 * 1,000 messages of up to 8 KiB each: seed 002's schema lets a producer add properties of its own
 * (ignored), so a message is its four fields (under 1 KiB) plus room for what a producer attaches.
 */
export const MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024;

interface ItemResult {
  index: number;
  uuid?: string;
  status: 201 | 200 | 409 | 400;
  outcome: 'created' | 'duplicate' | 'conflict' | 'invalid';
  detail?: string;
}

/**
 * POST /api/stats/messages:batch: `{messages: [...]}`, up to 1,000, each answered on its own as the
 * single route would (201, 200, 409, 400), in one round trip to the database. A body that is not
 * such an object is refused whole, and then nothing is written.
 */
export async function recordStatsBatchHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const body = await readJsonBody(request, statsBatchSchema, { maxBytes: MAX_BATCH_BODY_BYTES });
    if (!body.ok) return body.response;

    const results: ItemResult[] = [];
    const valid: Array<{ index: number; message: StatsMessage }> = [];
    body.value.messages.forEach((item, index) => {
      const parsed = statsMessageSchema.safeParse(item);
      if (parsed.success) valid.push({ index, message: parsed.data });
      else results[index] = { index, status: 400, outcome: 'invalid', detail: describeIssues(parsed.error.issues) };
    });

    if (valid.length > 0) {
      const relay = await getRelay();
      const outcomes = await relay.recordStatsMessages(valid.map((v) => v.message));
      valid.forEach(({ index, message }, i) => {
        const result = outcomes[i];
        const uuid = canonicalMessageId(message.uuid);
        if (result?.outcome === 'created') results[index] = { index, uuid, status: 201, outcome: 'created' };
        else if (result?.outcome === 'duplicate') results[index] = { index, uuid, status: 200, outcome: 'duplicate' };
        else if (result?.outcome === 'conflict') {
          results[index] = { index, uuid, status: 409, outcome: 'conflict', detail: `uuid already counted with other content (customerId ${result.stored.customerId}, type "${result.stored.type}", amount "${result.stored.amount}")` };
        } else throw new Error('the statistics store gave no answer for a message');
      });
    }
    const count = (outcome: ItemResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
    return json(200, {
      received: results.length,
      created: count('created'),
      duplicates: count('duplicate'),
      conflicts: count('conflict'),
      invalid: count('invalid'),
      results,
    });
  });
}

// A colon is legal in a path segment (RFC 3986 pchar) and in an ASP.NET Core route literal.
app.http('recordStatsBatch', { route: 'stats/messages:batch', methods: ['POST'], authLevel: 'function', handler: recordStatsBatchHandler });
