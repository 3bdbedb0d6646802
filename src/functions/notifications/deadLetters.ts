import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { MAX_DEAD_LETTERS_PER_CALL } from '../../domain/notifications/deadLetters.js';
import { answer, json, problem, readJsonBody } from '../http/http.js';

const maxSchema = z.coerce.number().int().min(1).max(MAX_DEAD_LETTERS_PER_CALL).default(100);
const replaySchema = z.object({ max: z.number().int().min(1).max(MAX_DEAD_LETTERS_PER_CALL).default(100) }).strict();

/** Operators list what the outbound queue gave up on, before deciding to replay it. */
export async function listDeadLettersHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const max = maxSchema.safeParse(request.query.get('max') ?? undefined);
    if (!max.success) return problem(400, `max must be a whole number from 1 to ${MAX_DEAD_LETTERS_PER_CALL}`);
    const deadLetters = await (await getRelay()).listDeadLetters(max.data);
    return json(200, { count: deadLetters.length, deadLetters });
  });
}

/** Sends dead letters back to the queue once their cause is fixed; the SMS log still sends each SMS at most once. */
export async function replayDeadLettersHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const body = await readJsonBody(request, replaySchema, { emptyMeans: '{}' });
    if (!body.ok) return body.response;
    const replayed = await (await getRelay()).replayDeadLetters(body.value.max);
    return json(200, { replayed: replayed.length, messages: replayed });
  });
}

app.http('listDeadLetters', { route: 'ops/dead-letters', methods: ['GET'], authLevel: 'function', handler: listDeadLettersHandler });
app.http('replayDeadLetters', { route: 'ops/dead-letters/replay', methods: ['POST'], authLevel: 'function', handler: replayDeadLettersHandler });
