import type { LedgerMigration } from './migration.js';

// Issue 23, the console's messages list over 10,000,000 log rows, newest first by key range on
// (created_at, message_key). `console_outcome` is the console's outcome of an entry (docs/api.md,
// "Staff console"), a generated column: the database derives it from the state, the last error and
// the receipt, so no writer can forget it; each filter pages an index of its own that ends in created_at (InnoDB adds
// the primary key, message_key, to every secondary index): outcome, channel, gateway; the customer
// filter has (customer_id, created_at) and the job filter (Job_id, kind) from migration 010.
export const consoleMessageList: LedgerMigration = {
  name: '024-console-message-list',
  steps: [
    // VIRTUAL, and apart from its indexes: both are in-place on MySQL 8 and MariaDB, so a big log is
    // not copied and keeps taking writes while the deployment step adds them.
    {
      sql: `ALTER TABLE notification_log
        ADD COLUMN console_outcome VARCHAR(16) GENERATED ALWAYS AS (CASE
          WHEN state = 'scheduled' THEN 'scheduled'
          WHEN state = 'retrying' THEN 'retrying'
          WHEN state IN ('queued', 'sending') THEN IF(error_code IS NULL, 'scheduled', 'retrying')
          WHEN state = 'sent' AND delivery_status = 'delivered' THEN 'delivered'
          WHEN state = 'sent' AND delivery_status IN ('failed', 'expired', 'rejected') THEN 'failed'
          WHEN state = 'sent' THEN 'sent'
          WHEN state IN ('rejected', 'failed') THEN 'failed'
          WHEN state = 'skipped' THEN 'skipped'
          ELSE 'unknown' END) VIRTUAL`,
      skipIf: { table: 'notification_log', hasColumn: 'console_outcome' },
    },
    {
      sql: `ALTER TABLE notification_log
        ADD INDEX ix_notification_log_outcome (console_outcome, created_at),
        ADD INDEX ix_notification_log_channel (channel, created_at),
        ADD INDEX ix_notification_log_gateway (gateway, created_at)`,
      skipIf: { table: 'notification_log', hasIndex: 'ix_notification_log_outcome' },
    },
  ],
};
