import type { LedgerMigration } from './migration.js';

// Issue 21, statistics accept what seed 002's schema accepts: a message id is any string of 1 to
// 128 characters, kept as its UTF-8 bytes (at most 512) and compared byte for byte, with no
// collation (an RFC 4122 UUID arrives lower-cased, so it still compares without case). The ids
// stored so far as 16 raw bytes become their lower-case 8-4-4-4-12 text, the form the code
// now writes; every row was 16 bytes before this migration.
export const statsMessageAnyUuid: LedgerMigration = {
  name: '019-stats-message-any-uuid',
  steps: [
    'ALTER TABLE stats_message MODIFY uuid VARBINARY(512) NOT NULL',
    `UPDATE stats_message SET uuid = LOWER(CONCAT_WS('-', SUBSTR(HEX(uuid), 1, 8), SUBSTR(HEX(uuid), 9, 4), SUBSTR(HEX(uuid), 13, 4), SUBSTR(HEX(uuid), 17, 4), SUBSTR(HEX(uuid), 21, 12)))
      WHERE LENGTH(uuid) = 16`,
  ],
};
