import type { LedgerMigration } from './migration.js';

// Seed 002: one row per message uuid, and per-bucket counts and exact totals (UTC quarter hour,
// day, month, year) so a query reads a handful of buckets per customer and type, never messages.
// `type` compares byte for byte without pad-space ("A", "a" and "A " are three types): bytes, as
// MySQL and MariaDB share no NO PAD binary collation; 256 bytes hold 64 characters of UTF-8.
// Ledgers made before this file was portable keep `VARCHAR(64) ... utf8mb4_nopad_bin`, which
// compares the same way; the adapter reads both as UTF-8 text.
export const messageStatistics: LedgerMigration = {
  name: '006-message-statistics',
  steps: [
    `CREATE TABLE IF NOT EXISTS stats_message (
        uuid BINARY(16) NOT NULL PRIMARY KEY,
        customer_id BIGINT UNSIGNED NOT NULL,
        type VARBINARY(256) NOT NULL,
        amount DECIMAL(15,3) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        ingest_id BIGINT UNSIGNED NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS stats_bucket (
        level TINYINT UNSIGNED NOT NULL,
        bucket_start DATETIME NOT NULL,
        customer_id BIGINT UNSIGNED NOT NULL,
        type VARBINARY(256) NOT NULL,
        message_count BIGINT UNSIGNED NOT NULL,
        total_amount DECIMAL(30,3) NOT NULL,
        PRIMARY KEY (level, bucket_start, customer_id, type),
        KEY ix_stats_bucket_customer (customer_id, level, bucket_start)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
