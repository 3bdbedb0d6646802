import type { LedgerMigration } from './migration.js';

// Issue 24, the console's feedback screen: the average score over time reads replies by the time
// they arrived (ix_feedback_received, covering: received_at and score); the call-back list pages
// low scores newest first, one key range per score (ix_feedback_score: score, feedback_id).
export const feedbackReportIndexes: LedgerMigration = {
  name: '031-feedback-report-indexes',
  steps: [
    { sql: 'ALTER TABLE feedback ADD INDEX ix_feedback_received (received_at, score)', skipIf: { table: 'feedback', hasIndex: 'ix_feedback_received' } },
    { sql: 'ALTER TABLE feedback ADD INDEX ix_feedback_score (score, feedback_id)', skipIf: { table: 'feedback', hasIndex: 'ix_feedback_score' } },
  ],
};
