import type { LedgerMigration } from './migration.js';

// Customers (seed 003, DESIGN "Customers"): a unique mobile so that ingestion can find or create
// them with one INSERT IGNORE per batch. `insert_batch_id` is the random id of the batch insert
// that created the row, so that insert's own transaction subscribes exactly the customers it
// created to sms (MySQL 8 has no INSERT ... RETURNING). A job belongs to one customer.
export const customers: LedgerMigration = {
  name: '008-customers',
  steps: [
    `CREATE TABLE IF NOT EXISTS customers (
        customer_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        mobile_e164 VARCHAR(16) NULL,
        email VARCHAR(254) NULL,
        timezone VARCHAR(64) NULL,
        contact_hours TEXT NULL,
        insert_batch_id BIGINT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_customers_mobile (mobile_e164)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS customer_subscriptions (
        customer_id BIGINT UNSIGNED NOT NULL,
        channel VARCHAR(16) NOT NULL,
        address VARCHAR(254) NULL,
        PRIMARY KEY (customer_id, channel),
        CONSTRAINT ck_customer_subscriptions_channel CHECK (channel IN ('sms', 'whatsapp', 'email'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS customer_jobs (
        customer_id BIGINT UNSIGNED NOT NULL,
        Job_id INT NOT NULL,
        PRIMARY KEY (customer_id, Job_id),
        UNIQUE KEY uq_customer_jobs_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
