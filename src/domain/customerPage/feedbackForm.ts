import type { FeedbackReplies } from '../feedback/feedbackReplies.js';
import { replyText } from '../feedback/recordReply.js';
import type { JobPages } from './access.js';
import type { PageFormOutcome } from './preferences.js';

export interface PageFeedbackDeps {
  pages: JobPages;
  /** Stored once, shown on the job and rewarded (FEEDBACK_REWARD_BRAND) as an SMS reply to the feedback request is. */
  replies: Pick<FeedbackReplies, 'record' | 'finish'>;
}

export interface FeedbackForm {
  formToken: string;
  score: number;
  comment: string;
}

/** The page's answer to the feedback request: one per job, whichever form or repeat sends it. */
export function pageFeedbackKey(jobId: number): string {
  return `page-job-${jobId}`;
}

/**
 * The feedback question of a closed job, answered on the page: recorded like a reply to the
 * feedback SMS (the feedback table, the job document, job_trans, the reward), once per job.
 */
export async function giveFeedback(deps: PageFeedbackDeps, token: string, form: FeedbackForm): Promise<PageFormOutcome<{ duplicate: boolean }>> {
  const page = await deps.pages.open(token);
  if (!page) return { outcome: 'not-found' };
  if (deps.pages.checkedForm(page, form.formToken) === undefined) return { outcome: 'forbidden' };
  if (page.doc.job_status !== 'CLOSED') return { outcome: 'invalid', page, problems: ['We ask for your feedback once your repair is finished and paid for.'] };
  if (!Number.isInteger(form.score) || form.score < 1 || form.score > 5) return { outcome: 'invalid', page, problems: ['Choose a score from 1 to 5.'] };

  const { outcome, stored } = await deps.replies.record({
    inboundMessageId: pageFeedbackKey(page.jobId),
    jobId: page.jobId,
    customerId: page.doc.customer_id ?? null,
    score: form.score,
    text: replyText(form.comment),
  });
  await deps.replies.finish(stored);
  return { outcome: 'saved', page, duplicate: outcome === 'duplicate' };
}
