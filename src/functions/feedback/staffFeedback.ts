import { app } from '@azure/functions';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../domain/console/cursor.js';
import { SERIES_BUCKETS } from '../../domain/stats/statsSeries.js';
import { getRelay } from '../../processRelay.js';
import { pageParams, readQuery } from '../console/consoleSchemas.js';
import { json, problem } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { feedbackJson } from './feedbackJson.js';

const day = (name: string) => z.string({ message: `${name} is required, as YYYY-MM-DD` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date written YYYY-MM-DD`);

const summaryQuery = z.object({ from: day('from'), to: day('to'), bucket: z.enum(SERIES_BUCKETS, { message: `bucket must be one of ${SERIES_BUCKETS.join(', ')}` }) }).strict();

const feedbackIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const lowScoresQuery = z
  .object({
    limit: pageParams.limit,
    cursor: pageParams.cursor.unwrap().transform((value, context) => {
      const before = decodeCursor(value, (key) => (feedbackIdSchema.safeParse(key).success ? (key as number) : undefined));
      if (before === undefined) context.addIssue({ code: 'custom', message: "cursor must be a previous page's nextCursor" });
      return before ?? z.NEVER;
    }).optional(),
  })
  .strict();

/** GET /api/staff/feedback/summary?from=&to=&bucket=hour|day|month: the average score (a decimal string) and count per bucket of the shop's zone. */
export const feedbackSummaryHandler = staffOnly(async (request) => {
  const query = readQuery(request, summaryQuery);
  if (!query.ok) return query.response;
  const result = await (await getRelay()).feedbackSummary(query.value);
  return result.ok ? json(200, result.summary) : problem(400, result.detail);
});

/** GET /api/staff/feedback/low-scores[?limit=][&cursor=]: replies scored 2 or less, newest first, each with its job, for a call-back. */
export const lowScoresHandler = staffOnly(async (request) => {
  const query = readQuery(request, lowScoresQuery);
  if (!query.ok) return query.response;
  const page = await (await getRelay()).lowScores({ limit: query.value.limit, ...(query.value.cursor === undefined ? {} : { before: query.value.cursor }) });
  return json(200, {
    replies: page.replies.map((reply) => ({ ...feedbackJson(reply), callBack: true })),
    nextCursor: page.nextBefore === null ? null : encodeCursor(page.nextBefore),
  });
});

app.http('staffFeedbackSummary', { route: 'staff/feedback/summary', methods: ['GET'], authLevel: 'anonymous', handler: feedbackSummaryHandler });
app.http('staffLowScores', { route: 'staff/feedback/low-scores', methods: ['GET'], authLevel: 'anonymous', handler: lowScoresHandler });
