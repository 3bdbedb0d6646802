import type { LedgerMigration } from './migration.js';

// Messages that belong to no job (issue 10: broadcasts, after-hours auto-replies). Their words
// cannot be rebuilt from a client job, so the entry keeps them (`content`, without the address,
// which comes from the customer) for the poll to requeue. The open-state index lets the poll find
// stale `queued`/`sending` and overdue `scheduled` entries by key range, never by a table scan.
export const messagesWithoutAJob: LedgerMigration = {
  name: '012-messages-without-a-job',
  steps: [
    {
      sql: `ALTER TABLE notification_log
        MODIFY Job_id INT NULL,
        ADD COLUMN content TEXT NULL AFTER scheduled_for,
        ADD INDEX ix_notification_log_open (state, scheduled_for, updated_at)`,
      skipIf: { table: 'notification_log', hasColumn: 'content' },
    },
    `CREATE TABLE IF NOT EXISTS broadcasts (
        broadcast_id CHAR(36) NOT NULL PRIMARY KEY,
        request_hash CHAR(64) NOT NULL,
        recipients INT NOT NULL,
        sending_now INT NULL,
        scheduled INT NULL,
        skipped INT NULL,
        created_at DATETIME(3) NOT NULL,
        completed_at DATETIME(3) NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS inbox_messages (
        message_id VARCHAR(64) NOT NULL PRIMARY KEY,
        channel VARCHAR(16) NOT NULL,
        sender VARCHAR(32) NOT NULL,
        customer_id BIGINT UNSIGNED NULL,
        text TEXT NOT NULL,
        received_at DATETIME(3) NOT NULL,
        status VARCHAR(16) NOT NULL,
        auto_reply_key VARCHAR(191) NULL,
        handled_at DATETIME(3) NULL,
        KEY ix_inbox_messages_status (status, received_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
