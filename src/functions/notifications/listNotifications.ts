import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { NOTIFICATION_OUTCOMES } from '../../domain/notifications/ports.js';
import { answer, json, problem } from '../http/http.js';
import { describeIssues } from '../../domain/shared/issues.js';

const wholeNumber = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `${name} must be a positive whole number`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${name} must be from 1 to ${max}`);

const querySchema = z
  .object({
    jobId: wholeNumber('jobId', 2_147_483_647).optional(),
    customerId: wholeNumber('customerId', Number.MAX_SAFE_INTEGER).optional(),
    outcome: z.enum(NOTIFICATION_OUTCOMES, { error: `outcome must be one of ${NOTIFICATION_OUTCOMES.join(', ')}` }).optional(),
    limit: wholeNumber('limit', 1000).default(100),
  })
  .strict();

/** GET /api/notifications?jobId=&customerId=&outcome=[&limit=]: the notification log, newest first (at most `limit`, default 100). */
export async function listNotificationsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const names = [...request.query.keys()];
    const repeated = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
    if (repeated.length > 0) return problem(400, `query parameter ${repeated.join(', ')} given more than once`);
    const parsed = querySchema.safeParse(Object.fromEntries(request.query));
    if (!parsed.success) return problem(400, describeIssues(parsed.error.issues));
    const { jobId, customerId, outcome, limit } = parsed.data;
    const relay = await getRelay();
    const notifications = await relay.listNotifications({ limit, ...(jobId ? { jobId } : {}), ...(customerId ? { customerId } : {}), ...(outcome ? { outcome } : {}) });
    return json(200, { notifications });
  });
}

app.http('listNotifications', { route: 'notifications', methods: ['GET'], authLevel: 'function', handler: listNotificationsHandler });
