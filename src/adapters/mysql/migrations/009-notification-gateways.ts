import type { LedgerMigration } from './migration.js';

// Which gateways carry each notification channel, in which order (DESIGN.md, Notifications).
// Rows are seeded for the configured providers (INSERT IGNORE), so operators' changes stick.
export const notificationGateways: LedgerMigration = {
  name: '009-notification-gateways',
  steps: [
    `CREATE TABLE IF NOT EXISTS notification_gateways (
        channel VARCHAR(16) NOT NULL,
        gateway VARCHAR(32) NOT NULL,
        priority SMALLINT UNSIGNED NOT NULL,
        enabled TINYINT(1) NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (channel, gateway)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
