import type { LedgerMigration } from './migration.js';

// Issue 26: a reward's code and a broadcast's text do not stay in clear once sent. The words the
// entry keeps after it settles are written with it, and record() swaps them in as it settles.
export const notificationLogSettledContent: LedgerMigration = {
  name: '016-notification-log-settled-content',
  steps: [
    { sql: 'ALTER TABLE notification_log ADD COLUMN settled_content TEXT NULL AFTER content', skipIf: { table: 'notification_log', hasColumn: 'settled_content' } },
  ],
};
