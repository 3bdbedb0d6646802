import { app } from '@azure/functions';
import { z } from 'zod';
import { describeIssues, firstIssueMessage } from '../../domain/shared/issues.js';
import { BASELINE_DAYS } from '../../domain/stats/runawayGuard.js';
import type { RunawayFlag } from '../../domain/stats/ports.js';
import { getRelay } from '../../processRelay.js';
import { decodeCursor, encodeCursor } from '../../domain/console/cursor.js';
import { pageParams } from '../console/consoleSchemas.js';
import { json, problem } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';

/** The flags' cursor: the last flag's id (the console's opaque cursor). */
const flagIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const cursorSchema = pageParams.cursor.unwrap().transform((value, context) => {
  const flagId = decodeCursor(value, (key) => (flagIdSchema.safeParse(key).success ? (key as number) : undefined));
  if (flagId === undefined) context.addIssue({ code: 'custom', message: "cursor must be a previous page's nextCursor" });
  return flagId ?? z.NEVER;
});

const flagsQuerySchema = z
  .object({
    limit: pageParams.limit,
    cursor: cursorSchema.optional(),
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
export const runawayFlagsHandler = staffOnly(async (request) => {
  const query = flagsQuerySchema.safeParse(Object.fromEntries(request.query));
  if (!query.success) return problem(400, describeIssues(query.error.issues, { subject: 'query' }));
  const page = await (await getRelay()).listRunawayFlags({ limit: query.data.limit, ...(query.data.cursor === undefined ? {} : { before: query.data.cursor }) });
  return json(200, { flags: page.flags.map(flagJson), nextCursor: page.nextBefore === null ? null : encodeCursor(page.nextBefore) });
});

/** POST /api/staff/customers/{customerId}/release: sending to the customer resumes (idempotent: released 0 when nothing was paused). */
export const releaseCustomerHandler = staffOnly(async (request, _context, user) => {
  const customerId = customerIdSchema.safeParse(request.params.customerId);
  if (!customerId.success) return problem(400, firstIssueMessage(customerId.error.issues));
  return json(200, await (await getRelay()).releaseCustomer(customerId.data, user.name));
});

app.http('staffRunawayFlags', { route: 'staff/stats/flags', methods: ['GET'], authLevel: 'anonymous', handler: runawayFlagsHandler });
app.http('staffReleaseCustomer', { route: 'staff/customers/{customerId}/release', methods: ['POST'], authLevel: 'anonymous', handler: releaseCustomerHandler });
