import { isDeepStrictEqual } from 'node:util';
import type { JobDocuments, JobTransactions } from '../jobs/ports.js';
import type { NotificationQueries, JobNotificationEntry } from '../notifications/ports.js';
import type { Clock, PhoneKeys } from '../shared/ports.js';
import type { CustomerFeedback, FeedbackReply } from './ports.js';
import type { FeedbackRewardResult } from './reward.js';

/**
 * A message counts as a reply to the feedback request for this long after the request was sent;
 * later, the customer is writing about something else and the message goes to the inbox.
 */
export const FEEDBACK_REPLY_MS = 14 * 24 * 60 * 60_000;

export function feedbackEventKey(inboundMessageId: string): string {
  return `feedback-${inboundMessageId}`;
}

/** The reply's text may hold personal data, so job_trans gets the score only; the text is in `feedback` and on the document. */
export function describeFeedback(reply: Pick<FeedbackReply, 'score'>): string {
  return reply.score === null ? 'Customer feedback: reply without a score (1 to 5)' : `Customer feedback: score ${reply.score}`;
}

export interface FeedbackRepliesPorts {
  feedback: CustomerFeedback;
  documents: Pick<JobDocuments, 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  /** The reward a reply earns (rewardFeedback). */
  reward: (reply: FeedbackReply) => Promise<FeedbackRewardResult>;
  clock: Clock;
}

/** Customers' replies to the feedback request: stored once per inbound message, shown on the job, rewarded. */
export class FeedbackReplies {
  constructor(private readonly ports: FeedbackRepliesPorts) {}

  async get(inboundMessageId: string): Promise<FeedbackReply | undefined> {
    return this.ports.feedback.get(inboundMessageId);
  }

  /** Stores the reply, received now, once; a repeat answers the reply as first stored. */
  async record(reply: Omit<FeedbackReply, 'receivedAt'>): Promise<{ outcome: 'recorded' | 'duplicate'; stored: FeedbackReply }> {
    const received: FeedbackReply = { ...reply, receivedAt: this.ports.clock.now() };
    const outcome = await this.ports.feedback.record(received);
    const stored = outcome === 'recorded' ? received : ((await this.ports.feedback.get(reply.inboundMessageId)) ?? received);
    return { outcome, stored };
  }

  /** The reply on the job and its reward; every step repeats safely, so a redelivery finishes what a crash left. */
  async finish(reply: FeedbackReply): Promise<void> {
    await this.publish(reply);
    await this.ports.reward(reply);
  }

  /** Puts the reply on the job document (unless a later one is there) and in job_trans; both idempotent. */
  private async publish(reply: FeedbackReply): Promise<void> {
    const { documents, transactions, clock } = this.ports;
    const at = reply.receivedAt.toISOString();
    const doc = await documents.update(reply.jobId, (current) => {
      const next = { score: reply.score, text: reply.text, at };
      if (current.feedback && (current.feedback.at > at || isDeepStrictEqual(current.feedback, next))) return current;
      return { ...current, feedback: next, updated_at: clock.now().toISOString() };
    });
    await transactions.append([
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
}

/** The feedback request a sender answers: the latest sent to their number, if recent enough (FEEDBACK_REPLY_MS). */
export class FeedbackRequests {
  constructor(private readonly ports: { notificationLog: Pick<NotificationQueries, 'latestSentTo'>; phoneKeys: PhoneKeys; clock: Clock }) {}

  /** Matched by the number's keyed lookup key, so no number is stored. */
  async answeredBy(e164: string): Promise<JobNotificationEntry | undefined> {
    const { notificationLog, phoneKeys, clock } = this.ports;
    const latest = await notificationLog.latestSentTo(phoneKeys.lookupKey(e164), 'job-closed');
    return latest && clock.now().getTime() - (latest.settledAt ?? latest.createdAt).getTime() <= FEEDBACK_REPLY_MS ? latest : undefined;
  }
}
