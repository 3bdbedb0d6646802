import type { LedgerMigration } from './migration.js';

// Issue 24, the runaway-sender guard: one flag per subject (a customer, or a type across every
// customer) and shop day, unique on (subject_key, day) so a review repeated that day refreshes the
// same row. The send path asks "is this customer paused?" through ix_runaway_flags_paused; the
// dashboard lists flags newest first by the primary key.
export const runawayFlags: LedgerMigration = {
  name: '030-runaway-flags',
  steps: [
    `CREATE TABLE IF NOT EXISTS runaway_flags (
        flag_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        subject_key VARBINARY(300) NOT NULL,
        customer_id BIGINT UNSIGNED NULL,
        type VARBINARY(256) NULL,
        day DATE NOT NULL,
        by_count TINYINT(1) NOT NULL,
        by_cost TINYINT(1) NOT NULL,
        message_count BIGINT UNSIGNED NOT NULL,
        total_amount DECIMAL(30,3) NULL,
        baseline_count BIGINT UNSIGNED NOT NULL,
        baseline_amount DECIMAL(30,3) NULL,
        paused TINYINT(1) NOT NULL,
        flagged_at DATETIME(3) NOT NULL,
        released_at DATETIME(3) NULL,
        released_by VARCHAR(128) NULL,
        UNIQUE KEY ux_runaway_flags_subject_day (subject_key, day),
        KEY ix_runaway_flags_paused (customer_id, paused, released_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
