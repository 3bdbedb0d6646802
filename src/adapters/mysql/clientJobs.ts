import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ClientJob } from '../../domain/jobs/job.js';
import type { JobStatus } from '../../domain/jobs/jobStatus.js';
import type { ClientJobs } from '../../domain/jobs/ports.js';
import { placeholders, type MysqlPool } from './pool.js';

const COLUMNS =
  'Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type';

interface JobRow extends RowDataPacket {
  Job_id: number;
  Job_type: string | null;
  Job_status: string | null;
  Client_firstname: string | null;
  Client_lastname: string | null;
  Client_postcode: string | null;
  Client_mobile: string | null;
  Product_id: string | null;
  Product_type: string | null;
}

function toClientJob(row: JobRow): ClientJob {
  return {
    jobId: Number(row.Job_id),
    jobType: row.Job_type,
    status: row.Job_status,
    firstName: row.Client_firstname,
    lastName: row.Client_lastname,
    postcode: row.Client_postcode,
    mobile: row.Client_mobile,
    productId: row.Product_id,
    productType: row.Product_type,
  };
}

/** Only ever reads `Jobs` by primary key or primary-key range: the client's schema has no other index. */
export class MysqlClientJobs implements ClientJobs {
  constructor(private readonly pool: MysqlPool) {}

  async readJobsAfter(afterId: number, limit: number): Promise<ClientJob[]> {
    const [rows] = await this.pool.query<JobRow[]>(`SELECT ${COLUMNS} FROM Jobs WHERE Job_id > ? ORDER BY Job_id LIMIT ?`, [
      afterId,
      limit,
    ]);
    return rows.map(toClientJob);
  }

  async readNewJobsInRange(fromExclusive: number, toInclusive: number): Promise<ClientJob[]> {
    const [rows] = await this.pool.query<JobRow[]>(
      `SELECT ${COLUMNS} FROM Jobs WHERE Job_id > ? AND Job_id <= ? AND Job_status = 'NEW' ORDER BY Job_id`,
      [fromExclusive, toInclusive],
    );
    return rows.map(toClientJob);
  }

  async readJobs(jobIds: readonly number[]): Promise<ClientJob[]> {
    if (jobIds.length === 0) return [];
    const [rows] = await this.pool.query<JobRow[]>(
      `SELECT ${COLUMNS} FROM Jobs WHERE Job_id IN (${placeholders(jobIds.length)}) ORDER BY Job_id`,
      [...jobIds],
    );
    return rows.map(toClientJob);
  }

  async moveStatus(jobId: number, from: JobStatus, to: JobStatus): Promise<boolean> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      'UPDATE Jobs SET Job_status = ? WHERE Job_id = ? AND Job_status = ?',
      [to, jobId, from],
    );
    return result.affectedRows === 1;
  }

  /**
   * One conditional UPDATE for all the jobs; when it moved every one of them that is the answer,
   * otherwise a read-back by primary key finds those now at `to`.
   */
  async moveStatuses(jobIds: readonly number[], from: JobStatus, to: JobStatus): Promise<Set<number>> {
    const unique = [...new Set(jobIds)];
    if (unique.length === 0) return new Set();
    const ids = placeholders(unique.length);
    const [result] = await this.pool.query<ResultSetHeader>(`UPDATE Jobs SET Job_status = ? WHERE Job_id IN (${ids}) AND Job_status = ?`, [
      to,
      ...unique,
      from,
    ]);
    if (from !== to && result.affectedRows === unique.length) return new Set(unique);
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT Job_id FROM Jobs WHERE Job_id IN (${ids}) AND Job_status = ?`, [...unique, to]);
    return new Set(rows.map((row) => Number(row.Job_id)));
  }
}
