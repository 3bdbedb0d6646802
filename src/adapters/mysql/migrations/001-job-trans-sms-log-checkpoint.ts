import type { LedgerMigration } from './migration.js';

export const jobTransSmsLogCheckpoint: LedgerMigration = {
  name: '001-job-trans-sms-log-checkpoint',
  steps: [
    `CREATE TABLE IF NOT EXISTS job_trans (
        trans_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        Job_id INT NOT NULL,
        Job_status VARCHAR(32) NOT NULL,
        creationDate DATETIME(3) NOT NULL,
        Update_note VARCHAR(1024) NOT NULL,
        event_type VARCHAR(16) NOT NULL,
        event_key VARCHAR(191) NOT NULL,
        UNIQUE KEY uq_job_trans_event_key (event_key),
        KEY ix_job_trans_job (Job_id, creationDate)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS sms_log (
        message_key VARCHAR(191) NOT NULL PRIMARY KEY,
        Job_id INT NOT NULL,
        kind VARCHAR(16) NOT NULL,
        state VARCHAR(16) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        to_masked VARCHAR(32) NOT NULL,
        provider_message_id VARCHAR(64) NULL,
        price DECIMAL(12,3) NULL,
        error_code VARCHAR(32) NULL,
        detail VARCHAR(512) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uq_sms_log_provider_message (provider_message_id),
        KEY ix_sms_log_job (Job_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    `CREATE TABLE IF NOT EXISTS poll_checkpoint (
        name VARCHAR(64) NOT NULL PRIMARY KEY,
        last_job_id INT NOT NULL,
        sweep_job_id INT NOT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
