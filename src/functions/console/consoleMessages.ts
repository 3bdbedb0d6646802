import { app } from '@azure/functions';
import { z } from 'zod';
import { CHANNELS } from '../../domain/channels/ports.js';
import { outcomeText } from '../../domain/console/outcomes.js';
import { CONSOLE_OUTCOMES, type ListedMessage } from '../../domain/console/ports.js';
import { firstIssueMessage } from '../../domain/shared/issues.js';
import { getRelay } from '../../processRelay.js';
import { json, problem } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { consoleProblem } from './consoleProblems.js';
import { pageBody, pageParams, readQuery } from './consoleSchemas.js';

const id = (name: string) => z.coerce.number({ message: `${name} must be a positive whole number` }).int(`${name} must be a positive whole number`).min(1, `${name} must be a positive whole number`).max(2_147_483_647);
const day = (name: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date written YYYY-MM-DD`);

const messageListQuery = z
  .object({
    outcome: z.enum(CONSOLE_OUTCOMES, { message: `outcome must be one of ${CONSOLE_OUTCOMES.join(', ')}` }).optional(),
    channel: z.enum(CHANNELS, { message: `channel must be one of ${CHANNELS.join(', ')}` }).optional(),
    gateway: z.string().min(1).max(32).optional(),
    customerId: id('customerId').optional(),
    jobId: id('jobId').optional(),
    from: day('from').optional(),
    to: day('to').optional(),
    ...pageParams,
  })
  .strict();

const notificationIdParam = z.string().regex(/^[\x21-\x7e]{1,191}$/, 'must be 1 to 191 visible ASCII characters');

function messageBody(message: ListedMessage): Record<string, unknown> {
  return {
    notificationId: message.messageKey,
    jobId: message.jobId,
    customerId: message.customerId,
    customerName: message.customerName,
    event: message.kind,
    channel: message.channel,
    gateway: message.gateway,
    outcome: message.outcome,
    reason: message.reason,
    ...outcomeText(message),
    attempts: message.attempts,
    createdAt: message.createdAt,
    settledAt: message.settledAt,
  };
}

/** GET /api/staff/messages?outcome=&channel=&gateway=&customerId=&jobId=&from=&to=&limit=&cursor=: the delivery log, newest first. */
export const listConsoleMessagesHandler = staffOnly(async (request) => {
  const query = readQuery(request, messageListQuery);
  if (!query.ok) return query.response;
  const listed = await (await getRelay()).listConsoleMessages(query.value);
  return listed.ok ? json(200, pageBody('messages', listed.value, messageBody)) : problem(400, listed.detail);
});

/** POST /api/staff/messages/{notificationId}/resend: a failed or skipped message again, as a new notification through the pipeline. */
export const resendConsoleMessageHandler = staffOnly(async (request, _context, user) => {
  const notificationId = notificationIdParam.safeParse(request.params.notificationId ?? '');
  if (!notificationId.success) return problem(400, `notificationId ${firstIssueMessage(notificationId.error.issues)}`);
  const resent = await (await getRelay()).resendConsoleMessage(user, notificationId.data);
  return resent.ok ? json(202, { notificationId: resent.notificationId }) : consoleProblem(resent.outcome, resent.detail);
});

app.http('listConsoleMessages', { route: 'staff/messages', methods: ['GET'], authLevel: 'anonymous', handler: listConsoleMessagesHandler });
app.http('resendConsoleMessage', { route: 'staff/messages/{notificationId}/resend', methods: ['POST'], authLevel: 'anonymous', handler: resendConsoleMessageHandler });
