import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { answer, json, problem } from '../http/http.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { feedbackJson } from './feedbackJson.js';

const querySchema = z
  .object({
    limit: z.coerce.number({ message: 'limit must be a whole number from 1 to 200' }).int().min(1).max(200).default(50),
    before: z.coerce
      .number({ message: 'before must be a feedbackId from an earlier page (nextBefore)' })
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional(),
  })
  .strict();

/** GET /api/feedback[?limit=][&before=]: customers' scored replies, newest first, paged by key range (`nextBefore`). */
export async function listFeedbackHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const query = querySchema.safeParse(Object.fromEntries(request.query));
    if (!query.success) return problem(400, describeIssues(query.error.issues));
    const page = await (await getRelay()).listFeedback(query.data);
    return json(200, {
      feedback: page.feedback.map(feedbackJson),
      nextBefore: page.nextBefore,
    });
  });
}

app.http('listFeedback', { route: 'feedback', methods: ['GET'], authLevel: 'function', handler: listFeedbackHandler });
