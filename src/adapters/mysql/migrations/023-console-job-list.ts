import type { LedgerMigration } from './migration.js';

// Issue 23, the console's jobs list on the ledger (1,000,000 jobs, key-range pages, newest first =
// highest Job_id first). job_tracking gains what the list shows: the product and when the job was
// ingested and reached its status; ingestion fills them from now on, rows already tracked take
// their times from job_trans (their first row and updated_at) and their product stays unknown.
// Indexes: the status filter pages (last_status, Job_id); a search by name or by a mobile's last
// digits finds customers by (name) or (mobile_tail: the last four digits reversed, so "the last
// n digits" is a prefix), then their jobs by customer_jobs' (customer_id, Job_id). An inbox
// message's job finds its messages by (Job_id, received_at) for the timeline.
export const consoleJobList: LedgerMigration = {
  name: '023-console-job-list',
  steps: [
    {
      sql: `ALTER TABLE job_tracking
        ADD COLUMN product VARCHAR(100) NULL,
        ADD COLUMN created_at DATETIME(3) NULL,
        ADD COLUMN status_since DATETIME(3) NULL,
        ADD INDEX ix_job_tracking_status (last_status, Job_id)`,
      skipIf: { table: 'job_tracking', hasColumn: 'product' },
    },
    `UPDATE job_tracking t
       LEFT JOIN (SELECT Job_id, MIN(creationDate) AS first_at FROM job_trans GROUP BY Job_id) f ON f.Job_id = t.Job_id
       SET t.created_at = COALESCE(f.first_at, t.updated_at), t.status_since = COALESCE(t.status_since, t.updated_at)
       WHERE t.created_at IS NULL`,
    // VIRTUAL and indexed apart: in place on MySQL 8 and MariaDB, no copy of the table.
    {
      sql: 'ALTER TABLE customers ADD COLUMN mobile_tail CHAR(4) GENERATED ALWAYS AS (REVERSE(RIGHT(mobile_e164, 4))) VIRTUAL',
      skipIf: { table: 'customers', hasColumn: 'mobile_tail' },
    },
    {
      sql: 'ALTER TABLE customers ADD INDEX ix_customers_mobile_tail (mobile_tail), ADD INDEX ix_customers_name (name)',
      skipIf: { table: 'customers', hasIndex: 'ix_customers_mobile_tail' },
    },
    { sql: 'ALTER TABLE inbox_messages ADD INDEX ix_inbox_messages_job (Job_id, received_at)', skipIf: { table: 'inbox_messages', hasIndex: 'ix_inbox_messages_job' } },
  ],
};
