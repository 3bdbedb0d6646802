import { z } from 'zod';
import { CHANNELS, type Channel } from '../channels/ports.js';
import { isEmailAddress } from '../shared/email.js';
import { describeIssues } from '../shared/issues.js';
import { ok, refuse, type Result } from '../shared/result.js';
import { isJobBound, NOTIFICATION_EVENTS, type JobEvent } from './texts.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Set only on a message put off because the notification log could not record an attempt: what
 * this process knows of that attempt (`not-sent` when the claim was never confirmed, else the
 * provider's answer), so the next delivery records it instead of calling the outcome unknown.
 */
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

/** The one contract of a message on the outbound queue (`SMS_QUEUE`, DESIGN.md): one notification through one channel. */
export const notificationMessageSchema = z
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

export type NotificationMessage = z.infer<typeof notificationMessageSchema>;
export type AttemptReport = NonNullable<NotificationMessage['lastAttempt']>;

const EVENT_SUFFIX: Record<JobEvent, string> = {
  'job-received': 'received',
  'job-in-progress': 'in-progress',
  'job-completed': 'completed',
  'job-closed': 'closed',
};

/**
 * The idempotency key of one notification (job, event, channel): the queue's messageId and the
 * notification log's key. The sms channel keeps the key SMS had before channels (`job-123-received`),
 * so entries, queued messages and job_trans rows from before an upgrade stay the same notification.
 */
export function notificationKey(event: JobEvent, jobId: number, channel: Channel): string {
  const key = `job-${jobId}-${EVENT_SUFFIX[event]}`;
  return channel === 'sms' ? key : `${key}-${channel}`;
}

/**
 * The key of the feedback reward of one customer and brand through `channel`: a customer gets one
 * code of a brand, told once per channel, whichever of their jobs' feedback earned it.
 */
export function rewardKey(brandId: string, customerId: number, channel: Channel): string {
  const key = `reward-${brandId}-customer-${customerId}`;
  return channel === 'sms' ? key : `${key}-${channel}`;
}

/** A message put off to the start of a contact window: its id names the time, so a repeat schedules it once. */
export function scheduledMessageId(key: string, sendAt: Date): string {
  return `${key}-at-${sendAt.getTime()}`;
}

/** A retry is a new queue message (so duplicate detection keeps it) for the same notification log key. */
export function retryMessageId(key: string, attempt: number): string {
  return `${key}-attempt-${attempt}`;
}

/**
 * The repair path hands a stale `queued` notification to the queue again under a new id, tied to
 * the log entry's last update: concurrent pollers agree on it (the queue keeps one), and the next
 * repair, after the entry was touched again, gets another.
 */
export function requeuedMessageId(key: string, entryUpdatedAt: Date): string {
  return `${key}-requeue-${entryUpdatedAt.getTime()}`;
}

/**
 * A message put off after an infrastructure failure gets a new id each time (`-defer-<n>`), so the
 * queue's duplicate detection keeps it, and two deliveries of one message defer it only once.
 */
export function deferredMessageId(currentMessageId: string): { messageId: string; generation: number } {
  const match = /^(.*)-defer-(\d+)$/.exec(currentMessageId);
  const generation = match ? Number(match[2]) + 1 : 1;
  return { messageId: `${match ? match[1] : currentMessageId}-defer-${generation}`, generation };
}

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
