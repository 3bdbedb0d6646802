import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getRelay } from '../../processRelay.js';
import { answer, json, problem } from '../http/http.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { customerIdFrom } from './customerSchemas.js';
import { customerProblem, unknownCustomer } from './customerProblems.js';

/** An ISO 8601 instant with its offset (a wall-clock time alone names no instant), within the years the window search handles. */
const querySchema = z
  .object({
    at: z.iso
      .datetime({ offset: true, message: 'at must be an ISO 8601 instant with an offset, such as 2026-03-30T08:15:00Z' })
      .transform((text) => new Date(text))
      .refine((at) => at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9000, 'at must be between 1970 and 9000'),
  })
  .strict();

/** GET /api/customers/{customerId}/next-send-time?at=<ISO 8601>: when a message due at `at` would go out; no side effects. */
export async function nextSendTimeHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return answer(context, async () => {
    const customerId = customerIdFrom(request);
    if (!customerId.ok) return customerId.response;
    const query = querySchema.safeParse(Object.fromEntries(request.query));
    if (!query.success) return problem(400, describeIssues(query.error.issues));
    const result = await (await getRelay()).customerNextSendTime(customerId.value, query.data.at);
    switch (result.outcome) {
      case 'not-found':
        return customerProblem('not-found', unknownCustomer(customerId.value));
      case 'never':
        return customerProblem('never', result.detail);
      case 'found':
        return json(200, { at: result.at.toISOString(), sendAt: result.sendAt.toISOString(), immediate: result.immediate });
    }
  });
}

app.http('customerNextSendTime', { route: 'customers/{customerId}/next-send-time', methods: ['GET'], authLevel: 'function', handler: nextSendTimeHandler });
