import type { LedgerMigration } from './migration.js';

// Issue 21, feedback only when a reply reads as a score. A message that answers a feedback
// request without one is for staff, about that job: inbox_messages.Job_id. GET /api/feedback
// pages newest first by key range: feedback_id grows with each reply, and its unique index
// answers `feedback_id < ? ORDER BY feedback_id DESC LIMIT n` without a sort. The customer is kept
// with the reply (the job's customer when it was received); earlier rows take it from
// customer_jobs. Rows already stored are numbered in primary-key order.
export const feedbackListAndInboxJobs: LedgerMigration = {
  name: '018-feedback-list-and-inbox-jobs',
  steps: [
    { sql: 'ALTER TABLE inbox_messages ADD COLUMN Job_id INT NULL AFTER customer_id', skipIf: { table: 'inbox_messages', hasColumn: 'Job_id' } },
    {
      sql: `ALTER TABLE feedback
        ADD COLUMN feedback_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        ADD UNIQUE KEY uq_feedback_id (feedback_id),
        ADD COLUMN customer_id BIGINT UNSIGNED NULL AFTER Job_id`,
      skipIf: { table: 'feedback', hasColumn: 'feedback_id' },
    },
    'UPDATE feedback f JOIN customer_jobs cj ON cj.Job_id = f.Job_id SET f.customer_id = cj.customer_id WHERE f.customer_id IS NULL',
  ],
};
