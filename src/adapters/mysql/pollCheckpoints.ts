import type { RowDataPacket } from 'mysql2/promise';
import type { PollCheckpoint, PollCheckpoints } from '../../domain/jobs/ports.js';
import type { MysqlPool } from './pool.js';

export class MysqlPollCheckpoints implements PollCheckpoints {
  constructor(
    private readonly pool: MysqlPool,
    private readonly name = 'client-jobs',
  ) {}

  async read(): Promise<PollCheckpoint> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT last_job_id, sweep_job_id, mirror_job_id FROM poll_checkpoint WHERE name = ?',
      [this.name],
    );
    const row = rows[0];
    return {
      lastJobId: Number(row?.last_job_id ?? 0),
      sweepJobId: Number(row?.sweep_job_id ?? 0),
      mirrorJobId: Number(row?.mirror_job_id ?? 0),
    };
  }

  async save(checkpoint: PollCheckpoint, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO poll_checkpoint (name, last_job_id, sweep_job_id, mirror_job_id, updated_at) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE last_job_id = GREATEST(last_job_id, VALUES(last_job_id)),
         sweep_job_id = VALUES(sweep_job_id), mirror_job_id = VALUES(mirror_job_id), updated_at = VALUES(updated_at)`,
      [this.name, checkpoint.lastJobId, checkpoint.sweepJobId, checkpoint.mirrorJobId, at],
    );
  }
}
