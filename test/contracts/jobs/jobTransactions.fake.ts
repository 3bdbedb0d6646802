import type { JobTransaction, JobTransactions } from '../../../src/domain/jobs/ports.js';

export class FakeJobTransactions implements JobTransactions {
  readonly rows: JobTransaction[] = [];

  /** Like the `Update_note VARCHAR(1024)` column, keeps the first 1024 characters of a note. */
  async append(rows: readonly JobTransaction[]): Promise<void> {
    for (const row of rows) {
      if (!this.rows.some((existing) => existing.eventKey === row.eventKey)) this.rows.push({ ...row, note: row.note.slice(0, 1024) });
    }
  }

  /** The job's rows oldest first, equal times in append order (`ORDER BY creationDate, trans_id`). */
  forJob(jobId: number): JobTransaction[] {
    return this.rows.filter((row) => row.jobId === jobId).sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  async history(jobId: number): Promise<JobTransaction[]> {
    return this.forJob(jobId).map((row) => ({ ...row }));
  }
}
