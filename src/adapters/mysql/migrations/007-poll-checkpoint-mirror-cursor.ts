import type { LedgerMigration } from './migration.js';

// Status mirroring visits a slice of the open jobs per poll (POLL_MIRROR_ROWS) and carries on
// from here. 0 (the default for the existing row) starts from the first open job.
export const pollCheckpointMirrorCursor: LedgerMigration = {
  name: '007-poll-checkpoint-mirror-cursor',
  steps: [
    { sql: 'ALTER TABLE poll_checkpoint ADD COLUMN mirror_job_id INT NOT NULL DEFAULT 0', skipIf: { table: 'poll_checkpoint', hasColumn: 'mirror_job_id' } },
  ],
};
