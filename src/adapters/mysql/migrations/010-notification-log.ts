import type { LedgerMigration } from './migration.js';

// One pipeline for every message (issue 9): the SMS log becomes the notification log, one row
// per job, event and channel. Existing rows were all SMS, sent (if at all) through the SMS API;
// their settled time and reason are derived once from what they hold (an UPDATE that may run twice).
export const notificationLog: LedgerMigration = {
  name: '010-notification-log',
  steps: [
    { sql: 'RENAME TABLE sms_log TO notification_log', skipIf: { hasTable: 'notification_log' } },
    {
      sql: `ALTER TABLE notification_log
        MODIFY kind VARCHAR(32) NOT NULL,
        ADD COLUMN customer_id BIGINT UNSIGNED NULL AFTER Job_id,
        ADD COLUMN channel VARCHAR(16) NULL AFTER kind,
        ADD COLUMN gateway VARCHAR(32) NULL AFTER attempts,
        ADD COLUMN reason VARCHAR(32) NULL AFTER detail,
        ADD COLUMN settled_at DATETIME(3) NULL AFTER updated_at,
        ADD INDEX ix_notification_log_job_kind (Job_id, kind),
        ADD INDEX ix_notification_log_customer (customer_id, created_at),
        ADD INDEX ix_notification_log_created (created_at),
        DROP INDEX ix_sms_log_job`,
      skipIf: { table: 'notification_log', hasColumn: 'customer_id' },
    },
    `UPDATE notification_log SET
        channel = 'sms',
        gateway = IF(attempts > 0, 'vonage-sms', NULL),
        settled_at = IF(state IN ('sent', 'rejected', 'failed', 'skipped', 'unknown'), updated_at, NULL),
        reason = CASE state WHEN 'skipped' THEN 'no-address' WHEN 'rejected' THEN 'invalid-recipient'
          WHEN 'failed' THEN 'provider-error' WHEN 'unknown' THEN 'outcome-unknown' ELSE NULL END`,
    // Instances of the previous release still run during a deploy and write sms_log: an updatable
    // view keeps their reads and writes landing in the same rows (they leave the new columns null).
    { sql: 'CREATE VIEW sms_log AS SELECT * FROM notification_log', skipIf: { hasTable: 'sms_log' } },
  ],
};
