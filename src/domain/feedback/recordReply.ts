import { isDeepStrictEqual } from 'node:util';
import { maskPhone, toE164 } from '../shared/phone.js';
import type { CustomerFeedback, FeedbackReply } from './ports.js';
import type { Customers } from '../customers/ports.js';
import { rewardFeedback, type FeedbackRewardDeps } from './reward.js';
import { readScore } from './score.js';
import { keepInboundMessage, type AutoReplyOutcome, type InboxDeps } from '../inbox/inbox.js';
import type { InboundChannel } from '../inbox/ports.js';
import { optOutScope, optOutSender, type OptOutDeps, type OptOutResult } from './optOut.js';

/*
 * Customers' replies to the feedback SMS. Vonage retries anything that is not 2xx, so every step
 * is idempotent and a reply we cannot place is acknowledged and dropped, not refused.
 */

/** One customer SMS, as the edge parsed it from Vonage's inbound webhook. */
export interface InboundSms {
  /** Vonage's id of the inbound message. */
  messageId: string;
  /** The sender as Vonage gives it (E.164 without '+'); whether it is a usable number is decided here. */
  from: string;
  text: string;
  /** The channel it came on, which an auto-reply answers on. */
  channel: InboundChannel;
}

/**
 * A message counts as a reply to the feedback request for this long after the request was sent;
 * later, the customer is writing about something else and the message goes to the inbox.
 */
export const FEEDBACK_REPLY_MS = 14 * 24 * 60 * 60_000;

/** Replies are kept up to the `feedback.reply_text` column's 640 characters. */
export const MAX_REPLY_CHARS = 640;

/** The reward's ports (the notification log, queue, completion, discount codes), the inbox's, the opt-out's, and the reply's own. */
export interface InboundSmsDeps extends FeedbackRewardDeps, Omit<InboxDeps, 'notificationLog'>, Omit<OptOutDeps, 'customers' | 'notificationLog'> {
  feedback: CustomerFeedback;
  customers: Pick<Customers, 'findByMobile' | 'unsubscribe' | 'customersForJobs' | 'getMany'>;
}

export type InboundSmsResult =
  | { outcome: 'recorded' | 'duplicate'; jobId: number; score: number | null }
  /** Not a reply to a feedback request: kept in the inbox, answered outside business hours. */
  | { outcome: 'kept'; autoReply: AutoReplyOutcome }
  /** An opt-out (optOut.ts): the sender's customer, unsubscribed from the channels named, or from a number no customer has. */
  | OptOutResult;

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
 * to the most recent feedback SMS sent to that number (by its keyed one-way lookup key, so no
 * number is stored); when the text reads as a score (readScore) it is feedback, and the job
 * document and job_trans show it. With FEEDBACK_REWARD_BRAND set, the reply earns the customer a discount code (rewardFeedback).
 * A message that matches no feedback SMS sent in the last FEEDBACK_REPLY_MS, or holds no score, is
 * kept in the inbox for staff (keepInboundMessage), linked to the feedback request's job if any.
 */
export async function recordInboundSms(deps: InboundSmsDeps, sms: InboundSms): Promise<InboundSmsResult> {
  const optOut = optOutScope(sms.text);
  if (optOut) return optOutSender(deps, { ...sms, e164: senderE164(sms.from), scope: optOut });
  const earlier = await deps.feedback.get(sms.messageId);
  if (earlier) {
    // A redelivery finishes whatever a crash (or a failure answered 5xx) left undone.
    await publishFeedback(deps, earlier);
    await rewardFeedback(deps, earlier);
    return { outcome: 'duplicate', jobId: earlier.jobId, score: earlier.score };
  }

  const e164 = senderE164(sms.from);
  const latest = e164 ? await deps.notificationLog.latestSentTo(deps.phoneKeys.lookupKey(e164), 'job-closed') : undefined;
  const feedbackSms = latest && deps.clock.now().getTime() - (latest.settledAt ?? latest.createdAt).getTime() <= FEEDBACK_REPLY_MS ? latest : undefined;
  const text = replyText(sms.text);
  const score = readScore(text);
  if (!feedbackSms || score === null) {
    // A question or remark, even right after the feedback request, is for staff, about the request's job when there was one.
    const customer = e164 ? await deps.customers.findByMobile(e164) : undefined;
    const kept = await keepInboundMessage(deps, { ...sms, e164, customer, jobId: feedbackSms?.jobId ?? null });
    deps.logger.info('inbound message kept in the inbox', { from: maskPhone(sms.from), messageId: sms.messageId, autoReply: kept.autoReply });
    return { outcome: 'kept', autoReply: kept.autoReply };
  }

  const reply: FeedbackReply = {
    inboundMessageId: sms.messageId,
    jobId: feedbackSms.jobId,
    customerId: (await deps.customers.customersForJobs([feedbackSms.jobId])).get(feedbackSms.jobId) ?? null,
    score,
    text,
    receivedAt: deps.clock.now(),
  };
  const outcome = await deps.feedback.record(reply);
  const stored = outcome === 'recorded' ? reply : ((await deps.feedback.get(sms.messageId)) ?? reply);
  await publishFeedback(deps, stored);
  await rewardFeedback(deps, stored);
  return { outcome, jobId: stored.jobId, score: stored.score };
}

/** Puts the reply on the job document (unless a later one is there) and in job_trans; both idempotent. The customer page's feedback form records through it too. */
export async function publishFeedback(deps: Pick<InboundSmsDeps, 'documents' | 'transactions' | 'clock'>, reply: FeedbackReply): Promise<void> {
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
