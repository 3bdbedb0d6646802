import { z } from 'zod';
import { CHANNELS } from '../../domain/channels/ports.js';
import { notificationKey, type NotificationMessage } from '../../domain/notifications/notificationMessage.js';
import { isJobBound, NOTIFICATION_EVENTS } from '../../domain/notifications/texts.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import { describeIssues } from '../../domain/shared/issues.js';
import { ok, refuse, type Result } from '../../domain/shared/result.js';

/*
 * The wire format of the outbound queue (`SMS_QUEUE`, DESIGN.md): the JSON body of one Service Bus
 * message, parsed here at the edge into the domain's NotificationMessage. The Service Bus adapter
 * writes the domain message as this JSON.
 */

const E164 = /^\+[1-9]\d{6,14}$/;

/** The domain's AttemptReport on the wire. */
const attemptReportSchema = z
  .object({
    attempt: z.number().int().positive(),
    state: z.enum(['not-sent', 'sent', 'rejected', 'failed', 'retrying']),
    gateway: z.string().max(32).optional(),
    providerMessageId: z.string().max(191).optional(),
    price: z.string().max(16).optional(),
    errorCode: z.string().max(32).optional(),
    detail: z.string().max(512).optional(),
  })
  .strict();

/** The one contract of a message on the outbound queue: one notification through one channel. */
const notificationMessageSchema = z
  .object({
    notificationId: z.string().min(1).max(191),
    channel: z.enum(CHANNELS),
    event: z.enum(NOTIFICATION_EVENTS),
    /** The job it tells of; null for a message of no job (a broadcast, an auto-reply). */
    jobId: z.number().int().positive().nullable(),
    customerId: z.number().int().positive().nullable(),
    /** E.164 for sms and whatsapp, an email address for email. */
    to: z.string().min(3).max(254),
    text: z.string().trim().min(1).max(918),
    subject: z.string().min(1).max(200).optional(),
    html: z.string().min(1).max(20_000).optional(),
    lastAttempt: attemptReportSchema.optional(),
  })
  .strict()
  .superRefine((message, context) => {
    const valid = message.channel === 'email' ? isEmailAddress(message.to) : E164.test(message.to);
    if (!valid) context.addIssue({ code: 'custom', path: ['to'], message: message.channel === 'email' ? 'must be an email address' : 'must be an E.164 phone number such as +447770123456' });
    if (isJobBound(message.event) !== (message.jobId !== null)) {
      context.addIssue({ code: 'custom', path: ['jobId'], message: isJobBound(message.event) ? `${message.event} needs the job it tells of` : `${message.event} belongs to no job; jobId must be null` });
    }
    if (message.channel !== 'email' && (message.subject !== undefined || message.html !== undefined)) {
      context.addIssue({ code: 'custom', path: ['subject'], message: `only email has a subject and HTML, not ${message.channel}` });
    }
  });

/**
 * The SMS message of releases before channels (`{kind, jobId, to, text}`): still read, so messages
 * queued, scheduled or dead-lettered before an upgrade are sent as the sms notification they were.
 */
const legacySmsMessageSchema = z
  .object({
    kind: z.enum(['job-received', 'job-closed']),
    jobId: z.number().int().positive(),
    to: z.string().regex(E164, 'must be an E.164 phone number such as +447770123456'),
    text: z.string().trim().min(1).max(918),
    lastAttempt: attemptReportSchema.optional(),
  })
  .strict()
  .transform(({ kind, ...rest }): NotificationMessage => ({ ...rest, notificationId: notificationKey(kind, rest.jobId, 'sms'), channel: 'sms', event: kind, customerId: null }));

/** One queue message's body (a string, bytes or the JSON the trigger already decoded) as the domain's message, or what is wrong with it. */
export function parseNotificationMessage(body: unknown): Result<{ message: NotificationMessage }> {
  const decoded = typeof body === 'string' ? tryJson(body) : Buffer.isBuffer(body) ? tryJson(body.toString('utf8')) : body;
  const parsed = (isLegacy(decoded) ? legacySmsMessageSchema : notificationMessageSchema).safeParse(decoded);
  return parsed.success ? ok({ message: parsed.data }) : refuse(describeIssues(parsed.error.issues));
}

/** A body with `kind` and no `channel` is the pre-channel SMS message; its own schema then names what is wrong with it. */
function isLegacy(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'kind' in body && !('channel' in body);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
