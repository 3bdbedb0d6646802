import type { LedgerMigration } from './migration.js';

// Issue 24, the console's statistics chart: per type, every customer together, the same four
// bucket levels as stats_bucket (UTC quarter hour, day, month, year), so a month by day or a day
// by hour in the shop's zone reads a few rows per type and bucket, never one per customer. Filled
// once from stats_bucket (re-runnable: a second run sets the same sums); from then on the adapter
// adds to it in the transaction that adds to stats_bucket.
/** Sets every per-type bucket to the sum of its customer buckets (the bench times it at scale). */
export const FILL_STATS_TYPE_BUCKETS = `INSERT INTO stats_type_bucket (level, bucket_start, type, message_count, total_amount)
    SELECT level, bucket_start, type, SUM(message_count), SUM(total_amount) FROM stats_bucket
    GROUP BY level, bucket_start, type ORDER BY level, bucket_start, type
    ON DUPLICATE KEY UPDATE message_count = VALUES(message_count), total_amount = VALUES(total_amount)`;

export const statsTypeBuckets: LedgerMigration = {
  name: '029-stats-type-buckets',
  steps: [
    `CREATE TABLE IF NOT EXISTS stats_type_bucket (
        level TINYINT UNSIGNED NOT NULL,
        bucket_start DATETIME NOT NULL,
        type VARBINARY(256) NOT NULL,
        message_count BIGINT UNSIGNED NOT NULL,
        total_amount DECIMAL(30,3) NOT NULL,
        PRIMARY KEY (level, bucket_start, type)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    FILL_STATS_TYPE_BUCKETS,
  ],
};
