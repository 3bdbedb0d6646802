import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { describeIssues, firstIssueMessage } from '../../domain/shared/issues.js';
import { BASELINE_DAYS } from '../../domain/stats/runawayGuard.js';
import type { RunawayFlag } from '../../domain/stats/ports.js';
import { getRelay } from '../../processRelay.js';
import { answer, json, problem } from '../http/http.js';

/** The flags' cursor: the last flag's id, as base64url text (opaque to the client). */
const encodeCursor = (flagId: number) => Buffer.from(`flag:${flagId}`, 'utf8').toString('base64url');
const cursorSchema = z.string().transform((value, context) => {
  const match = /^flag:(\d{1,15})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) context.addIssue({ code: 'custom', message: "cursor must be a previous page's nextCursor" });
  return match ? Number(match[1]) : z.NEVER;
});

const flagsQuerySchema = z
  .object({
    limit: z.coerce.number({ message: 'limit must be a whole number from 1 to 100' }).int('limit must be a whole number from 1 to 100').min(1, 'limit must be a whole number from 1 to 100').max(100, 'limit must be a whole number from 1 to 100').default(50),
    cursor: cursorSchema.optional(),
    code: z.string().optional(),
  })
  .strict();

const customerIdSchema = z.coerce.number({ message: 'customerId must be a positive whole number' }).int('customerId must be a positive whole number').min(1, 'customerId must be a positive whole number').max(Number.MAX_SAFE_INTEGER, 'customerId must be a positive whole number');

const flagJson = (flag: RunawayFlag) => ({
  flagId: flag.flagId,
  subject: flag.subject,
  day: flag.day,
  reasons: flag.reasons,
  count: flag.count,
  cost: flag.cost,
  baseline: { days: BASELINE_DAYS, count: flag.baselineCount, cost: flag.baselineCost },
  paused: flag.paused && flag.releasedAt === null,
  flaggedAt: flag.at.toISOString(),
  releasedAt: flag.releasedAt?.toISOString() ?? null,
  releasedBy: flag.releasedBy,
});

/** GET /api/staff/stats/flags[?limit=][&cursor=]: the runaway-sender guard's flags, newest first (the first page reviews today first). */
export async function runawayFlagsHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const query = flagsQuerySchema.safeParse(Object.fromEntries(request.query));
    if (!query.success) return problem(400, describeIssues(query.error.issues, { subject: 'query' }));
    const page = await (await getRelay()).listRunawayFlags({ limit: query.data.limit, ...(query.data.cursor === undefined ? {} : { before: query.data.cursor }) });
    return json(200, { flags: page.flags.map(flagJson), nextCursor: page.nextBefore === null ? null : encodeCursor(page.nextBefore) });
  });
}

/** POST /api/staff/customers/{customerId}/release: sending to the customer resumes (idempotent: released 0 when nothing was paused). */
export async function releaseCustomerHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdSchema.safeParse(request.params.customerId);
    if (!customerId.success) return problem(400, firstIssueMessage(customerId.error.issues));
    return json(200, await (await getRelay()).releaseCustomer(customerId.data, 'staff'));
  });
}

app.http('staffRunawayFlags', { route: 'staff/stats/flags', methods: ['GET'], authLevel: 'function', handler: runawayFlagsHandler });
app.http('staffReleaseCustomer', { route: 'staff/customers/{customerId}/release', methods: ['POST'], authLevel: 'function', handler: releaseCustomerHandler });
