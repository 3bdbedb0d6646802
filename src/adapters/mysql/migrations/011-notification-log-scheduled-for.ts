import type { LedgerMigration } from './migration.js';

// Contact windows (issue 10): a notification due outside its window waits, scheduled, until then.
export const notificationLogScheduledFor: LedgerMigration = {
  name: '011-notification-log-scheduled-for',
  steps: [
    {
      sql: 'ALTER TABLE notification_log ADD COLUMN scheduled_for DATETIME(3) NULL AFTER settled_at',
      skipIf: { table: 'notification_log', hasColumn: 'scheduled_for' },
    },
  ],
};
