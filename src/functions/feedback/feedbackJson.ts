import type { FeedbackEntry } from '../../domain/feedback/ports.js';

/** A stored reply as the feedback routes answer with it. */
export function feedbackJson(entry: FeedbackEntry) {
  return {
    feedbackId: entry.feedbackId,
    messageId: entry.inboundMessageId,
    jobId: entry.jobId,
    customerId: entry.customerId,
    score: entry.score,
    text: entry.text,
    receivedAt: entry.receivedAt.toISOString(),
  };
}
