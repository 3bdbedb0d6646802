import type { RowDataPacket } from 'mysql2/promise';
import { storedTransactionEvent, type JobTransaction, type JobTransactions } from '../../domain/jobs/ports.js';
import type { MysqlPool } from './pool.js';

const NOTE_LIMIT = 1024;
const ROWS_PER_STATEMENT = 1000;

/** `job_trans` rows; the unique `event_key` makes every write idempotent (INSERT IGNORE). */
export class MysqlJobTransactions implements JobTransactions {
  constructor(private readonly pool: MysqlPool) {}

  async append(rows: readonly JobTransaction[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
      await this.pool.query(
        'INSERT IGNORE INTO job_trans (Job_id, Job_status, creationDate, Update_note, event_type, event_key) VALUES ?',
        [chunk.map((row) => [row.jobId, row.status, row.at, row.note.slice(0, NOTE_LIMIT), row.event, row.eventKey])],
      );
    }
  }

  async history(jobId: number): Promise<JobTransaction[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT Job_id, Job_status, creationDate, Update_note, event_type, event_key FROM job_trans
       WHERE Job_id = ? ORDER BY creationDate, trans_id`,
      [jobId],
    );
    return rows.map((row) => ({
      jobId: Number(row.Job_id),
      status: String(row.Job_status),
      note: String(row.Update_note),
      event: storedTransactionEvent(String(row.event_type)),
      eventKey: String(row.event_key),
      at: row.creationDate as Date,
    }));
  }
}
