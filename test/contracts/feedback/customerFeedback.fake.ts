import type { CustomerFeedback, FeedbackEntry, FeedbackPage, FeedbackReply } from '../../../src/domain/feedback/ports.js';
import { byTimeThenKey } from '../sqlOrder.js';

export class FakeCustomerFeedback implements CustomerFeedback {
  readonly replies = new Map<string, FeedbackReply>();
  /** Like the AUTO_INCREMENT `feedback_id`: the order replies were recorded in. */
  private readonly feedbackIds = new Map<string, number>();

  async record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'> {
    if (this.replies.has(reply.inboundMessageId)) return 'duplicate';
    this.replies.set(reply.inboundMessageId, { ...reply });
    this.feedbackIds.set(reply.inboundMessageId, this.feedbackIds.size + 1);
    return 'recorded';
  }

  /** Like `WHERE feedback_id < ? ORDER BY feedback_id DESC LIMIT ?`. */
  async list(page: FeedbackPage): Promise<FeedbackEntry[]> {
    return [...this.replies.values()]
      .map((reply) => ({ ...reply, feedbackId: this.feedbackIds.get(reply.inboundMessageId)! }))
      .filter((entry) => page.before === undefined || entry.feedbackId < page.before)
      .sort((a, b) => b.feedbackId - a.feedbackId)
      .slice(0, page.limit);
  }

  async get(inboundMessageId: string): Promise<FeedbackReply | undefined> {
    const reply = this.replies.get(inboundMessageId);
    return reply && { ...reply };
  }

  /** Like `ORDER BY received_at, inbound_message_id`. */
  async forJob(jobId: number): Promise<FeedbackReply[]> {
    return [...this.replies.values()]
      .filter((r) => r.jobId === jobId)
      .sort((a, b) => byTimeThenKey([a.receivedAt, a.inboundMessageId], [b.receivedAt, b.inboundMessageId]))
      .map((r) => ({ ...r }));
  }
}
