import type { LedgerMigration } from './migration.js';

// Signed payment provider events (Stripe) that could not be placed on a job, for staff.
export const stripePaymentFlags: LedgerMigration = {
  name: '004-stripe-payment-flags',
  steps: [
    `CREATE TABLE IF NOT EXISTS payment_flags (
        provider VARCHAR(16) NOT NULL,
        kind VARCHAR(16) NOT NULL,
        event_id VARCHAR(255) NOT NULL,
        event_type VARCHAR(64) NOT NULL,
        object_id VARCHAR(255) NOT NULL,
        reason VARCHAR(512) NOT NULL,
        job_reference VARCHAR(64) NULL,
        payment_id CHAR(36) NULL,
        amount DECIMAL(15,3) NULL,
        currency CHAR(3) NULL,
        flagged_at DATETIME(3) NOT NULL,
        PRIMARY KEY (provider, event_id),
        KEY ix_payment_flags_flagged (flagged_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
