import type { LedgerMigration } from './migration.js';

// Which function made each to_hash (SMS_TO_HASH_VERSION). Rows written before this migration,
// and rows an older instance still inserts during a deploy, get the default: the bare SHA-256
// key that 020-phone-lookup-keys-hmac turns into the HMAC key. The index finds them without
// reading the table (InnoDB appends message_key, so a batch is a range scan).
/** `notification_log.to_hash_version`: 1 is the bare SHA-256 key of old releases, 2 the HMAC keyed by PHONE_KEY_SECRET. */
export const SMS_TO_HASH_VERSION = { legacySha256: 1, hmac: 2 } as const;

export const smsLogToHashVersion: LedgerMigration = {
  name: '005-sms-log-to-hash-version',
  steps: [
    {
      sql: `ALTER TABLE sms_log
        ADD COLUMN to_hash_version TINYINT NOT NULL DEFAULT 1,
        ADD INDEX ix_sms_log_to_hash_version (to_hash_version)`,
      skipIf: { table: 'sms_log', hasColumn: 'to_hash_version' },
    },
  ],
};
