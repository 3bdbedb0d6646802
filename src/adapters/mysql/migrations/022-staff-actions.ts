import type { LedgerMigration } from './migration.js';

// Issue 23: every staff action in the console (reply, resend, replay, handled, pending) is audited:
// who (the principal's id, name and role), what, on which job and target, when. The job's timeline
// reads its rows by (Job_id, at); the id orders rows written in the same millisecond.
export const staffActions: LedgerMigration = {
  name: '022-staff-actions',
  steps: [
    `CREATE TABLE IF NOT EXISTS staff_actions (
        action_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        actor_id VARCHAR(128) NOT NULL,
        actor_name VARCHAR(200) NOT NULL,
        actor_role VARCHAR(16) NOT NULL,
        action VARCHAR(32) NOT NULL,
        Job_id INT NULL,
        target VARCHAR(191) NULL,
        at DATETIME(3) NOT NULL,
        KEY ix_staff_actions_job (Job_id, at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
