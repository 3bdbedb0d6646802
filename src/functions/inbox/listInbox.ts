import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { INBOX_STATUSES } from '../../domain/inbox/ports.js';
import { answer, json, problem } from '../http/http.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { inboxMessageBody } from './inboxSchemas.js';

const querySchema = z
  .object({
    status: z.enum(INBOX_STATUSES, { message: `status must be one of ${INBOX_STATUSES.join(', ')}` }).default('pending'),
    limit: z.coerce.number({ message: 'limit must be a whole number from 1 to 500' }).int().min(1).max(500).default(100),
  })
  .strict();

/** GET /api/inbox?status=pending|handled[&limit=]: customers' messages for staff, pending oldest first, handled newest first. */
export async function listInboxHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const query = querySchema.safeParse(Object.fromEntries(request.query));
    if (!query.success) return problem(400, describeIssues(query.error.issues));
    const messages = await (await getRelay()).listInbox(query.data.status, query.data.limit);
    return json(200, { messages: messages.map(inboxMessageBody) });
  });
}

app.http('listInbox', { route: 'inbox', methods: ['GET'], authLevel: 'function', handler: listInboxHandler });
