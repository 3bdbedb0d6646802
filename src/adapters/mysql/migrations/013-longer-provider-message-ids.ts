import type { LedgerMigration } from './migration.js';

// An email's provider id is its Message-ID, which names the notification key: a broadcast's or a
// reward's runs past the SMS-era 64 characters. 191 is the longest a utf8mb4 key column can be indexed whole.
export const longerProviderMessageIds: LedgerMigration = {
  name: '013-longer-provider-message-ids',
  steps: [
    'ALTER TABLE notification_log MODIFY provider_message_id VARCHAR(191) NULL',
  ],
};
