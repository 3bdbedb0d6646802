import type { LedgerMigration } from './migration.js';

export const paymentsTrackingFeedback: LedgerMigration = {
  name: '002-payments-tracking-feedback',
  steps: [
    `CREATE TABLE IF NOT EXISTS payments (
        payment_id CHAR(36) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        amount DECIMAL(15,3) NOT NULL,
        currency CHAR(3) NOT NULL,
        paid_at DATETIME(3) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        KEY ix_payments_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS job_tracking (
        Job_id INT NOT NULL PRIMARY KEY,
        last_status VARCHAR(32) NOT NULL,
        is_open TINYINT(1) NOT NULL DEFAULT 1,
        flagged_status VARCHAR(255) NULL,
        updated_at DATETIME(3) NOT NULL,
        KEY ix_job_tracking_open (is_open, Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    {
      // One ALTER is atomic, so its first column says whether it ran.
      sql: `ALTER TABLE sms_log
        ADD COLUMN to_hash CHAR(64) NULL,
        ADD COLUMN delivery_status VARCHAR(16) NULL,
        ADD COLUMN delivery_error_code VARCHAR(16) NULL,
        ADD COLUMN delivered_at DATETIME(3) NULL,
        ADD INDEX ix_sms_log_to_hash (to_hash, kind, updated_at)`,
      skipIf: { table: 'sms_log', hasColumn: 'to_hash' },
    },
    `CREATE TABLE IF NOT EXISTS feedback (
        inbound_message_id VARCHAR(64) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        score TINYINT NULL,
        reply_text VARCHAR(640) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        KEY ix_feedback_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
