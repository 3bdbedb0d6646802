import type { CustomerFeedback, FeedbackEntry, FeedbackPage } from './ports.js';

/** A page of feedback, newest first; `nextBefore` asks for the page after it, null on the last. */
export interface FeedbackList {
  feedback: FeedbackEntry[];
  nextBefore: number | null;
}

/** GET /api/feedback: one row more than the page tells whether another page follows, without a count. */
export async function listFeedback(deps: { feedback: Pick<CustomerFeedback, 'list'> }, page: FeedbackPage): Promise<FeedbackList> {
  const entries = await deps.feedback.list({ ...page, limit: page.limit + 1 });
  const feedback = entries.slice(0, page.limit);
  return { feedback, nextBefore: entries.length > page.limit ? feedback.at(-1)!.feedbackId : null };
}
