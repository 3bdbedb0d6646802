import { app, type HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { ConsoleInboxMessage } from '../../domain/console/inbox.js';
import type { StaffUser } from '../../domain/console/staff.js';
import { INBOX_STATUSES, type InboxStatus } from '../../domain/inbox/ports.js';
import { firstIssueMessage } from '../../domain/shared/issues.js';
import { maskPhone } from '../../domain/shared/phone.js';
import { getRelay } from '../../processRelay.js';
import { json, problem, readJsonBody } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { vonageMessageId } from '../http/vonageSchemas.js';
import { consoleProblem } from './consoleProblems.js';
import { pageBody, pageParams, readQuery } from './consoleSchemas.js';

const inboxQuery = z.object({ status: z.enum(INBOX_STATUSES, { message: `status must be one of ${INBOX_STATUSES.join(', ')}` }).default('pending'), ...pageParams }).strict();

/** The notification schema's longest text (an SMS of six parts). */
const MAX_REPLY_CHARACTERS = 918;
const replySchema = z.object({ text: z.string().trim().min(1, 'text must not be empty').max(MAX_REPLY_CHARACTERS, `text must be at most ${MAX_REPLY_CHARACTERS} characters`) }).strict();

const IMMEDIATE_REPLY_NOTE = 'An immediate reply to a message the customer has just sent is not held by contact hours: it goes out now, on the channel they wrote on.';

/** A kept message as the console shows it: the sender masked, the customer and their open jobs beside it. */
function consoleInboxBody(message: ConsoleInboxMessage): Record<string, unknown> {
  return {
    messageId: message.messageId,
    channel: message.channel,
    customer: message.customer,
    senderMasked: /^\+\d+$/.test(message.from) ? maskPhone(message.from) : message.from,
    text: message.text,
    receivedAt: message.receivedAt,
    status: message.status,
    handledAt: message.handledAt,
    jobId: message.jobId,
    openJobs: message.openJobs,
  };
}

function messageIdOf(request: HttpRequest): { messageId: string } | { refused: string } {
  const parsed = vonageMessageId.safeParse(request.params.messageId ?? '');
  return parsed.success ? { messageId: parsed.data } : { refused: `messageId ${firstIssueMessage(parsed.error.issues)}` };
}

/** GET /api/staff/inbox?status=pending|handled&limit=&cursor=: customers' messages, newest first. */
export const listConsoleInboxHandler = staffOnly(async (request) => {
  const query = readQuery(request, inboxQuery);
  if (!query.ok) return query.response;
  const listed = await (await getRelay()).listConsoleInbox(query.value);
  return listed.ok ? json(200, pageBody('messages', listed.value, consoleInboxBody)) : problem(400, listed.detail);
});

/** POST /api/inbox/{messageId}/reply `{text}`: staff's answer through the customer's channel, at once. */
export const replyToInboxHandler = staffOnly(async (request, _context, user) => {
  const id = messageIdOf(request);
  if ('refused' in id) return problem(400, id.refused);
  const body = await readJsonBody(request, replySchema);
  if (!body.ok) return body.response;
  const reply = await (await getRelay()).replyToInbox(user, id.messageId, body.value.text);
  if (!reply.ok) return consoleProblem(reply.outcome, reply.detail);
  return json(202, { notificationId: reply.notificationId, channel: reply.channel, sendsAt: reply.sendsAt, heldByContactHours: false, note: IMMEDIATE_REPLY_NOTE });
});

const statusChange = (status: InboxStatus) =>
  staffOnly(async (request, _context, user: StaffUser) => {
    const id = messageIdOf(request);
    if ('refused' in id) return problem(400, id.refused);
    const message = await (await getRelay()).setConsoleInboxStatus(user, id.messageId, status);
    return message ? json(200, consoleInboxBody(message)) : consoleProblem('not-found', `inbox message ${id.messageId} is not known to Repair Relay`);
  });

/** POST /api/staff/inbox/{messageId}/handled and …/pending: staff file a message (audited). */
export const markInboxHandledHandler = statusChange('handled');
export const markInboxPendingHandler = statusChange('pending');

app.http('listConsoleInbox', { route: 'staff/inbox', methods: ['GET'], authLevel: 'anonymous', handler: listConsoleInboxHandler });
app.http('replyToInbox', { route: 'inbox/{messageId}/reply', methods: ['POST'], authLevel: 'anonymous', handler: replyToInboxHandler });
app.http('markInboxHandled', { route: 'staff/inbox/{messageId}/handled', methods: ['POST'], authLevel: 'anonymous', handler: markInboxHandledHandler });
app.http('markInboxPending', { route: 'staff/inbox/{messageId}/pending', methods: ['POST'], authLevel: 'anonymous', handler: markInboxPendingHandler });
