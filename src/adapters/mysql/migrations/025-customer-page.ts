import type { LedgerMigration } from './migration.js';

// Issue 25, the customer's own page. tracking_links maps the SHA-256 of a job's tracking token
// (never the token) to the job: the page's one lookup is a point read by the primary key. The
// expiry is not stored: it follows from the job's close time in job_trans, which only moves once.
// customer_preference_changes records every change a customer makes on the page (when, what,
// from where); `request_key` is the form's nonce, unique, so a double submit is recorded once.
// ix_preference_changes_customer serves a customer's changes, newest first, by key range.
export const customerPage: LedgerMigration = {
  name: '025-customer-page',
  steps: [
    `CREATE TABLE IF NOT EXISTS tracking_links (
        token_hash CHAR(64) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        created_at DATETIME(3) NOT NULL,
        KEY ix_tracking_links_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS customer_preference_changes (
        change_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        request_key VARCHAR(64) NOT NULL,
        customer_id BIGINT UNSIGNED NOT NULL,
        Job_id INT NULL,
        source VARCHAR(64) NOT NULL,
        summary VARCHAR(500) NOT NULL,
        changed_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_preference_changes_request (request_key),
        KEY ix_preference_changes_customer (customer_id, change_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
