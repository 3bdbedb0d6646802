import { maskPhone, toE164 } from '../shared/phone.js';
import type { Logger } from '../shared/ports.js';
import type { Customers } from '../customers/ports.js';
import type { FeedbackReplies, FeedbackRequests } from './feedbackReplies.js';
import { readScore } from './score.js';
import type { AutoReplyOutcome, Inbound } from '../inbox/inbox.js';
import type { InboundChannel } from '../inbox/ports.js';
import { optOutScope, type OptOut, type OptOutResult } from './optOut.js';

/*
 * Customers' replies to the feedback message. The provider retries anything that is not 2xx, so every step
 * is idempotent and a reply we cannot place is acknowledged and dropped, not refused.
 */

/** One customer message, as the edge parsed it from the provider's inbound webhook. */
export interface InboundSms {
  /** The provider's id of the inbound message. */
  messageId: string;
  /** The sender as the provider gives it (Vonage writes E.164 without '+'); whether it is a usable number is decided here. */
  from: string;
  text: string;
  /** The channel it came on, which an auto-reply answers on. */
  channel: InboundChannel;
}

/** Replies are kept up to the `feedback.reply_text` column's 640 characters. */
export const MAX_REPLY_CHARS = 640;

export interface InboundSmsDeps {
  /** Replies to a feedback request: stored once, shown on the job, rewarded. */
  replies: FeedbackReplies;
  /** The feedback request a sender may be answering. */
  requests: FeedbackRequests;
  customers: Pick<Customers, 'findByMobile' | 'customersForJobs'>;
  /** Anything that is not feedback is kept for staff, answered after hours (keepInboundMessage). */
  keep: (inbound: Inbound) => Promise<{ autoReply: AutoReplyOutcome }>;
  /** STOP and its kin (optOutSender). */
  optOut: (optOut: OptOut) => Promise<OptOutResult>;
  logger: Logger;
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
  if (optOut) return deps.optOut({ ...sms, e164: senderE164(sms.from), scope: optOut });
  const earlier = await deps.replies.get(sms.messageId);
  if (earlier) {
    // A redelivery finishes whatever a crash (or a failure answered 5xx) left undone.
    await deps.replies.finish(earlier);
    return { outcome: 'duplicate', jobId: earlier.jobId, score: earlier.score };
  }

  const e164 = senderE164(sms.from);
  const feedbackSms = e164 ? await deps.requests.answeredBy(e164) : undefined;
  const text = replyText(sms.text);
  const score = readScore(text);
  if (!feedbackSms || score === null) {
    // A question or remark, even right after the feedback request, is for staff, about the request's job when there was one.
    const customer = e164 ? await deps.customers.findByMobile(e164) : undefined;
    const kept = await deps.keep({ ...sms, e164, customer, jobId: feedbackSms?.jobId ?? null });
    deps.logger.info('inbound message kept in the inbox', { from: maskPhone(sms.from), messageId: sms.messageId, autoReply: kept.autoReply });
    return { outcome: 'kept', autoReply: kept.autoReply };
  }

  const { outcome, stored } = await deps.replies.record({
    inboundMessageId: sms.messageId,
    jobId: feedbackSms.jobId,
    customerId: (await deps.customers.customersForJobs([feedbackSms.jobId])).get(feedbackSms.jobId) ?? null,
    score,
    text,
  });
  await deps.replies.finish(stored);
  return { outcome, jobId: stored.jobId, score: stored.score };
}
