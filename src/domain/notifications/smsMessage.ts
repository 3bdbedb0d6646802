import { z } from 'zod';

export const SMS_KINDS = ['job-received', 'job-closed'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/** The one contract of a message on the `sms-outbound` queue (DESIGN.md). */
export const smsMessageSchema = z
  .object({
    kind: z.enum(SMS_KINDS),
    jobId: z.number().int().positive(),
    to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +447770123456'),
    text: z.string().trim().min(1).max(918),
    /**
     * Set only on a message put off because the SMS log could not record an attempt: what this
     * process knows of that attempt (`not-sent` when the claim was never confirmed, else the
     * provider's answer), so the next delivery records it instead of calling the outcome unknown.
     */
    lastAttempt: z
      .object({
        attempt: z.number().int().positive(),
        state: z.enum(['not-sent', 'sent', 'rejected', 'failed', 'retrying']),
        providerMessageId: z.string().max(64).optional(),
        price: z.string().max(16).optional(),
        errorCode: z.string().max(32).optional(),
        detail: z.string().max(512).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SmsMessage = z.infer<typeof smsMessageSchema>;
export type AttemptReport = NonNullable<SmsMessage['lastAttempt']>;

/** The idempotency key of one SMS: the queue's messageId and the SMS log's key. */
export function smsMessageKey(kind: SmsKind, jobId: number): string {
  return `job-${jobId}-${kind === 'job-received' ? 'received' : 'closed'}`;
}

/** A retry is a new queue message (so duplicate detection keeps it) for the same SMS log key. */
export function smsRetryMessageId(key: string, attempt: number): string {
  return `${key}-attempt-${attempt}`;
}

/**
 * The repair path hands a stale `queued` SMS to the queue again under a new id, tied to the log
 * entry's last update: concurrent pollers agree on it (the queue keeps one), and the next repair,
 * after the entry was touched again, gets another.
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

export function parseSmsMessage(body: unknown): { ok: true; message: SmsMessage } | { ok: false; detail: string } {
  const decoded = typeof body === 'string' ? tryJson(body) : Buffer.isBuffer(body) ? tryJson(body.toString('utf8')) : body;
  const parsed = smsMessageSchema.safeParse(decoded);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, detail: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
