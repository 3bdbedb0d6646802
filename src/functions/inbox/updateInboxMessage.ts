import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { INBOX_STATUSES } from '../../domain/inbox/ports.js';
import { firstIssueMessage } from '../../domain/shared/issues.js';
import { answer, json, problem, readJsonBody } from '../http/http.js';
import { vonageMessageId } from '../http/vonageSchemas.js';
import { inboxMessageBody } from './inboxSchemas.js';
import { inboxProblem } from './inboxProblems.js';

const changeSchema = z.object({ status: z.enum(INBOX_STATUSES, { message: `status must be one of ${INBOX_STATUSES.join(', ')}` }) }).strict();

/** PATCH /api/inbox/{messageId} `{status: "handled" | "pending"}`: staff mark a message handled (or not yet). */
export async function updateInboxMessageHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const parsed = vonageMessageId.safeParse(request.params.messageId ?? '');
    if (!parsed.success) return problem(400, `messageId ${firstIssueMessage(parsed.error.issues)}`);
    const messageId = parsed.data;
    const body = await readJsonBody(request, changeSchema);
    if (!body.ok) return body.response;
    const message = await (await getRelay()).setInboxStatus(messageId, body.value.status);
    return message ? json(200, inboxMessageBody(message)) : inboxProblem('not-found', `inbox message ${messageId} is not known to Repair Relay`);
  });
}

app.http('updateInboxMessage', { route: 'inbox/{messageId}', methods: ['PATCH'], authLevel: 'function', handler: updateInboxMessageHandler });
