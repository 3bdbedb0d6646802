import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { JobTracking, TrackedJob } from '../../domain/jobs/ports.js';
import { placeholders, type MysqlPool } from './pool.js';

/** The open jobs the poller mirrors; read through the (is_open, Job_id) index, never a scan. */
export class MysqlJobTracking implements JobTracking {
  constructor(private readonly pool: MysqlPool) {}

  async track(jobs: ReadonlyArray<{ jobId: number; status: string; product?: string | null }>): Promise<void> {
    if (jobs.length === 0) return;
    await this.pool.query(
      `INSERT IGNORE INTO job_tracking (Job_id, last_status, is_open, product, updated_at, created_at, status_since)
       VALUES ${placeholders(jobs.length, '(?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))')}`,
      jobs.flatMap((job) => [job.jobId, job.status, job.status === 'CLOSED' ? 0 : 1, job.product?.trim().slice(0, 100) || null]),
    );
  }

  async openJobsAfter(afterId: number, limit: number): Promise<TrackedJob[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT Job_id, last_status, flagged_status FROM job_tracking WHERE is_open = 1 AND Job_id > ? ORDER BY Job_id LIMIT ?',
      [afterId, limit],
    );
    return rows.map((row) => ({
      jobId: Number(row.Job_id),
      lastStatus: String(row.last_status),
      flaggedStatus: row.flagged_status === null ? null : String(row.flagged_status),
    }));
  }

  async advance(jobId: number, expected: string, status: string): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE job_tracking SET last_status = ?, is_open = ?, flagged_status = NULL, updated_at = UTC_TIMESTAMP(3), status_since = UTC_TIMESTAMP(3)
       WHERE Job_id = ? AND last_status = ?`,
      [status, status === 'CLOSED' ? 0 : 1, jobId, expected],
    );
    return result.affectedRows === 1;
  }

  async advanceMany(jobIds: readonly number[], expected: string, status: string): Promise<number> {
    if (jobIds.length === 0) return 0;
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE job_tracking SET last_status = ?, is_open = ?, flagged_status = NULL, updated_at = UTC_TIMESTAMP(3), status_since = UTC_TIMESTAMP(3)
       WHERE Job_id IN (${placeholders(jobIds.length)}) AND last_status = ?`,
      [status, status === 'CLOSED' ? 0 : 1, ...jobIds, expected],
    );
    return result.affectedRows;
  }

  async flag(jobId: number, observed: string): Promise<void> {
    await this.pool.execute('UPDATE job_tracking SET flagged_status = ?, updated_at = UTC_TIMESTAMP(3) WHERE Job_id = ?', [
      observed,
      jobId,
    ]);
  }
}
