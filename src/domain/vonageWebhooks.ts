import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { JobDocument, SmsSummary } from './job.js';
import { roundToAmount } from './money.js';
import { maskPhone, phoneLookupKey, toE164 } from './phone.js';
import {
  SMS_DELIVERY_STATUSES,
  type Clock,
  type CustomerFeedback,
  type FeedbackReply,
  type JobDocuments,
  type JobTransactions,
  type Logger,
  type SmsDelivery,
  type SmsDeliveryStatus,
  type SmsLog,
  type SmsLogEntryWithDelivery,
} from './ports.js';
import { describeSmsOutcome, SMS_STEPS } from './smsCompletion.js';

/*
 * Vonage SMS API webhooks: delivery receipts (DLRs) for the SMS we sent, and customers' replies
 * to the feedback SMS. Vonage retries anything that is not 2xx, so every step here is idempotent
 * and a receipt or reply we cannot place is acknowledged and dropped, not refused.
 */

// ---------------------------------------------------------------------------------------------
// Input: Vonage's parameters (form, JSON or query string, all strings), validated at the edge.

/** Vonage leaves optional parameters empty rather than out in some configurations. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const vonageMessageId = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 visible ASCII characters');

/** Vonage's `message-timestamp`: `YYYY-MM-DD HH:MM:SS`, in UTC. */
const vonageTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must look like YYYY-MM-DD HH:MM:SS (UTC)')
  .refine((value) => !Number.isNaN(Date.parse(`${value.replace(' ', 'T')}Z`)), 'is not a real date and time')
  .transform((value) => new Date(`${value.replace(' ', 'T')}Z`));

export const deliveryReceiptSchema = z
  .object({
    messageId: vonageMessageId,
    status: z.enum(SMS_DELIVERY_STATUSES, { error: `must be one of ${SMS_DELIVERY_STATUSES.join(', ')}` }),
    'err-code': optional(z.string().regex(/^\d{1,16}$/, 'must be a number')),
    'client-ref': optional(z.string().max(191)),
    'api-key': optional(z.string().max(64)),
    price: optional(z.string().regex(/^\d{1,9}(\.\d{1,12})?$/, 'must be a decimal amount such as 0.03330000')),
    'message-timestamp': optional(vonageTimestamp),
    msisdn: optional(z.string().max(32)),
    to: optional(z.string().max(64)),
    'network-code': optional(z.string().max(16)),
    scts: optional(z.string().max(16)),
  })
  .transform((p) => ({
    messageId: p.messageId,
    status: p.status,
    errorCode: p['err-code'] ?? null,
    clientRef: p['client-ref'] ?? null,
    apiKey: p['api-key'] ?? null,
    price: p.price === undefined ? null : roundToAmount(p.price),
    reportedAt: p['message-timestamp'] ?? null,
  }));

export type DeliveryReceipt = z.output<typeof deliveryReceiptSchema>;

export const inboundSmsSchema = z
  .object({
    messageId: vonageMessageId,
    /** The sender, E.164 without '+' as Vonage sends it; whether it is a usable number is decided later. */
    msisdn: z.string().trim().min(1).max(32),
    text: optional(z.string()),
    type: optional(z.string().max(16)),
    keyword: optional(z.string().max(640)),
    to: optional(z.string().max(64)),
    'message-timestamp': optional(vonageTimestamp),
  })
  .transform((p) => ({ messageId: p.messageId, from: p.msisdn, text: p.text ?? '' }));

export type InboundSms = z.output<typeof inboundSmsSchema>;

// ---------------------------------------------------------------------------------------------
// Delivery receipts

export interface DeliveryReceiptDeps {
  smsLog: SmsLog;
  documents: JobDocuments;
  transactions: JobTransactions;
  clock: Clock;
  logger: Logger;
  /** Our Vonage API key: a receipt naming another account's key is not ours to record. */
  settings: { apiKey?: string | undefined };
}

export type DeliveryReceiptResult =
  | { outcome: 'recorded'; jobId: number; messageKey: string; deliveryStatus: SmsDeliveryStatus | null }
  | { outcome: 'unknown-message' }
  | { outcome: 'other-account' };

/** The SMS summary on the job document, with what the delivery receipts said. */
export interface SmsSummaryWithDelivery extends SmsSummary {
  delivery?: { status: SmsDeliveryStatus; errorCode: string | null; deliveredAt?: string };
}

/**
 * Intermediate statuses (accepted, buffered) never replace a final one that arrived first, so
 * receipts that cross on the network cannot move an SMS back; among equals the latest wins.
 */
const DELIVERY_RANK: Record<SmsDeliveryStatus, number> = {
  accepted: 1,
  buffered: 1,
  unknown: 2,
  delivered: 3,
  expired: 3,
  failed: 3,
  rejected: 3,
};

const RECEIPT_WORDING: Record<SmsDeliveryStatus, string> = {
  delivered: 'delivered',
  accepted: 'accepted by the mobile network, not delivered yet',
  buffered: 'held by the mobile network until the phone can be reached',
  expired: 'expired before it could be delivered',
  failed: 'failed',
  rejected: 'rejected by the mobile network',
  unknown: 'delivery status unknown',
};

export function deliveryReceiptEventKey(receipt: Pick<DeliveryReceipt, 'messageId' | 'status'>): string {
  return `dlr-${receipt.messageId}-${receipt.status}`;
}

/** The job_trans note of a receipt: what happened to the SMS, never the number it went to. */
export function describeDeliveryReceipt(entry: Pick<SmsLogEntryWithDelivery, 'kind'>, receipt: DeliveryReceipt, recovered: boolean): string {
  const error = receipt.errorCode && receipt.errorCode !== '0' ? ` (error ${receipt.errorCode})` : '';
  const recovery = recovered ? `; its interrupted send is now known to have reached Vonage (message ${receipt.messageId})` : '';
  return `${SMS_STEPS[entry.kind].label} ${RECEIPT_WORDING[receipt.status]}${error}${recovery}`;
}

/**
 * Records one Vonage delivery receipt: the SMS log entry (found by Vonage's message id, else by
 * our client-ref) gets the delivery status, an `unknown` send is settled as `sent`, the job
 * document's SMS summary shows it, and job_trans gets one row per distinct receipt. Every step is
 * idempotent, so Vonage's retry after a crash finishes the job and a repeat changes nothing.
 */
export async function recordDeliveryReceipt(deps: DeliveryReceiptDeps, receipt: DeliveryReceipt): Promise<DeliveryReceiptResult> {
  if (receipt.apiKey && deps.settings.apiKey && receipt.apiKey !== deps.settings.apiKey) {
    deps.logger.warn('delivery receipt for another Vonage account ignored', { messageId: receipt.messageId });
    return { outcome: 'other-account' };
  }
  const found =
    (await deps.smsLog.findByProviderMessageId(receipt.messageId)) ??
    (receipt.clientRef ? await deps.smsLog.getWithDelivery(receipt.clientRef) : undefined);
  if (!found) {
    deps.logger.info('delivery receipt for a message Repair Relay did not send; acknowledged, nothing written', {
      messageId: receipt.messageId,
      status: receipt.status,
    });
    return { outcome: 'unknown-message' };
  }

  const now = deps.clock.now();
  const key = found.messageKey;
  const recovered =
    found.state === 'unknown' &&
    (await deps.smsLog.record(key, 'unknown', {
      state: 'sent',
      providerMessageId: found.providerMessageId ?? receipt.messageId,
      ...(receipt.price ? { price: receipt.price } : {}),
      detail: 'send was interrupted; a delivery receipt shows Vonage accepted it',
    }));
  await storeDelivery(deps, found, receipt, now);

  const entry = (await deps.smsLog.getWithDelivery(key)) ?? found;
  const doc = await deps.documents.update(entry.jobId, (current) => withDeliverySummary(current, entry, now));
  await deps.transactions.append([
    {
      jobId: entry.jobId,
      status: doc?.job_status ?? SMS_STEPS[entry.kind].to,
      note: describeDeliveryReceipt(entry, receipt, recovered),
      event: 'SMS',
      eventKey: deliveryReceiptEventKey(receipt),
      at: now,
    },
  ]);
  return { outcome: 'recorded', jobId: entry.jobId, messageKey: key, deliveryStatus: entry.delivery?.status ?? null };
}

/** Compare-and-set on the stored delivery status, retried a few times against a concurrent receipt. */
async function storeDelivery(deps: DeliveryReceiptDeps, found: SmsLogEntryWithDelivery, receipt: DeliveryReceipt, now: Date): Promise<void> {
  const next: SmsDelivery = {
    status: receipt.status,
    errorCode: receipt.errorCode,
    deliveredAt: receipt.status === 'delivered' ? (receipt.reportedAt ?? now) : null,
  };
  let stored = found.delivery;
  for (let attempt = 1; attempt <= 5; attempt++) {
    if (stored && DELIVERY_RANK[next.status] < DELIVERY_RANK[stored.status]) return;
    if (stored && stored.status === next.status && stored.errorCode === next.errorCode) return;
    if (await deps.smsLog.recordDelivery(found.messageKey, stored?.status ?? null, next)) return;
    stored = (await deps.smsLog.getWithDelivery(found.messageKey))?.delivery ?? null;
  }
  throw new Error(`delivery status of SMS ${found.messageKey} kept changing under us; Vonage will retry the receipt`);
}

/** Mirrors the SMS log entry (state, Vonage id, delivery) into the document's summary of that SMS. */
export function withDeliverySummary(doc: JobDocument, entry: SmsLogEntryWithDelivery, now: Date): JobDocument {
  const slot = SMS_STEPS[entry.kind].slot;
  const existing = doc.sms[slot] as SmsSummaryWithDelivery | undefined;
  if (existing && existing.messageKey !== entry.messageKey) return doc;
  const base: SmsSummaryWithDelivery = existing ?? { messageKey: entry.messageKey, state: entry.state, at: now.toISOString(), note: describeSmsOutcome(entry) };
  const stateChanged = base.state !== entry.state;
  const next: SmsSummaryWithDelivery = {
    ...base,
    state: entry.state,
    ...(stateChanged ? { at: now.toISOString(), note: describeSmsOutcome(entry) } : {}),
    ...(entry.providerMessageId ? { providerMessageId: entry.providerMessageId } : {}),
    ...(entry.delivery
      ? {
          delivery: {
            status: entry.delivery.status,
            errorCode: entry.delivery.errorCode,
            ...(entry.delivery.deliveredAt ? { deliveredAt: entry.delivery.deliveredAt.toISOString() } : {}),
          },
        }
      : {}),
  };
  if (isDeepStrictEqual(existing, next)) return doc;
  return { ...doc, sms: { ...doc.sms, [slot]: next }, updated_at: now.toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Customer replies (feedback)

/** Replies are kept up to the `feedback.reply_text` column's 640 characters. */
export const MAX_REPLY_CHARS = 640;

export interface InboundSmsDeps {
  smsLog: SmsLog;
  feedback: CustomerFeedback;
  documents: JobDocuments;
  transactions: JobTransactions;
  clock: Clock;
  logger: Logger;
}

export type InboundSmsResult =
  | { outcome: 'recorded' | 'duplicate'; jobId: number; score: number | null }
  | { outcome: 'no-feedback-sms' };

/**
 * The score in a reply: the first digit 1 to 5 that stands alone, i.e. with no digit right before
 * or after it and not part of a decimal. "5 stars!" is 5, "4/5" is 4, "10/10", "3.5" and "great"
 * have none.
 */
export function feedbackScore(text: string): number | null {
  const match = /(?<!\d)(?<!\d[.,])[1-5](?!\d)(?![.,]\d)/.exec(text);
  return match ? Number(match[0]) : null;
}

/** Trimmed and cut to 640 characters (code points, as MySQL counts them). */
export function replyText(text: string): string {
  return Array.from(text.trim()).slice(0, MAX_REPLY_CHARS).join('');
}

export function feedbackEventKey(inboundMessageId: string): string {
  return `feedback-${inboundMessageId}`;
}

/** The reply's text may hold personal data, so job_trans gets the score only; the text is in `feedback` and on the document. */
export function describeFeedback(reply: Pick<FeedbackReply, 'score'>): string {
  return reply.score === null ? 'Customer feedback: reply without a score (1 to 5)' : `Customer feedback: score ${reply.score}`;
}

function senderE164(from: string): string | undefined {
  const phone = toE164(from.startsWith('+') ? from : `+${from}`);
  return phone.ok ? phone.e164 : undefined;
}

/**
 * Stores a customer's reply to the feedback SMS once per inbound message: the sender is matched
 * to the most recent feedback SMS sent to that number (by its one-way lookup key, so no number is
 * stored), the score is read from the text, and the job document and job_trans show it. A reply
 * that matches no feedback SMS is acknowledged and stored nowhere.
 */
export async function recordInboundSms(deps: InboundSmsDeps, sms: InboundSms): Promise<InboundSmsResult> {
  const earlier = await deps.feedback.get(sms.messageId);
  if (earlier) {
    await publishFeedback(deps, earlier);
    return { outcome: 'duplicate', jobId: earlier.jobId, score: earlier.score };
  }

  const e164 = senderE164(sms.from);
  const feedbackSms = e164 ? await deps.smsLog.latestSentTo(phoneLookupKey(e164), 'job-closed') : undefined;
  if (!feedbackSms) {
    deps.logger.info('SMS reply matches no feedback SMS; acknowledged, stored nowhere', {
      from: maskPhone(sms.from),
      messageId: sms.messageId,
    });
    return { outcome: 'no-feedback-sms' };
  }

  const text = replyText(sms.text);
  const reply: FeedbackReply = {
    inboundMessageId: sms.messageId,
    jobId: feedbackSms.jobId,
    score: feedbackScore(text),
    text,
    receivedAt: deps.clock.now(),
  };
  const outcome = await deps.feedback.record(reply);
  const stored = outcome === 'recorded' ? reply : ((await deps.feedback.get(sms.messageId)) ?? reply);
  await publishFeedback(deps, stored);
  return { outcome, jobId: stored.jobId, score: stored.score };
}

/** Puts the reply on the job document (unless a later one is there) and in job_trans; both idempotent. */
async function publishFeedback(deps: InboundSmsDeps, reply: FeedbackReply): Promise<void> {
  const at = reply.receivedAt.toISOString();
  const doc = await deps.documents.update(reply.jobId, (current) => {
    const next = { score: reply.score, text: reply.text, at };
    if (current.feedback && (current.feedback.at > at || isDeepStrictEqual(current.feedback, next))) return current;
    return { ...current, feedback: next, updated_at: deps.clock.now().toISOString() };
  });
  await deps.transactions.append([
    {
      jobId: reply.jobId,
      status: doc?.job_status ?? 'CLOSED',
      note: describeFeedback(reply),
      event: 'FEEDBACK',
      eventKey: feedbackEventKey(reply.inboundMessageId),
      at: reply.receivedAt,
    },
  ]);
}
