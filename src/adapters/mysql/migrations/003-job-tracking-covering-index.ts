import type { LedgerMigration } from './migration.js';

// Mirroring reads every open job each poll; a covering index answers that from the index alone.
export const jobTrackingCoveringIndex: LedgerMigration = {
  name: '003-job-tracking-covering-index',
  steps: [
    {
      sql: 'ALTER TABLE job_tracking ADD INDEX ix_job_tracking_open_covering (is_open, Job_id, last_status, flagged_status)',
      skipIf: { table: 'job_tracking', hasIndex: 'ix_job_tracking_open_covering' },
    },
    { sql: 'ALTER TABLE job_tracking DROP INDEX ix_job_tracking_open', skipIf: { table: 'job_tracking', lacksIndex: 'ix_job_tracking_open' } },
  ],
};
