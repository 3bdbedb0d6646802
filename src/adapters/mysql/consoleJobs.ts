import type { RowDataPacket } from 'mysql2/promise';
import type { ConsoleJobs, JobCustomer, JobListQuery, JobSearch, ListedJob, Slice } from '../../domain/console/ports.js';
import type { MysqlPool } from './pool.js';

/** A name or digits search looks at this many customers at most (in name or digit order); a longer prefix narrows it. */
export const MAX_SEARCHED_CUSTOMERS = 500;

const OPEN_STATES = "'scheduled', 'queued', 'sending', 'retrying'";

/** A job row with its customer; the count of its unsettled notifications reads ix_notification_log_job_kind (Job_id, kind). */
const SELECT_JOBS = `SELECT t.Job_id, t.last_status, t.product, t.created_at, t.status_since,
    c.customer_id, c.name, c.mobile_tail, c.timezone,
    (SELECT COUNT(*) FROM notification_log n WHERE n.Job_id = t.Job_id AND n.state IN (${OPEN_STATES})) AS open_notifications`;

interface JobRow extends RowDataPacket {
  Job_id: number;
  last_status: string;
  product: string | null;
  created_at: Date | null;
  status_since: Date | null;
  customer_id: string | null;
  name: string | null;
  mobile_tail: string | null;
  timezone: string | null;
  open_notifications: number | string;
}

function toJob(row: JobRow): ListedJob & { customer: JobCustomer | null } {
  return {
    jobId: Number(row.Job_id),
    status: row.last_status,
    product: row.product,
    customer:
      row.customer_id === null
        ? null
        : { customerId: Number(row.customer_id), name: row.name ?? '', mobileLast4: row.mobile_tail ? [...row.mobile_tail].reverse().join('') : null, timezone: row.timezone },
    createdAt: row.created_at,
    statusSince: row.status_since,
    openNotifications: Number(row.open_notifications),
  };
}

const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The console's jobs list over job_tracking, newest (highest Job_id) first, each page a key range:
 * no filter pages the primary key; a status pages ix_job_tracking_status (last_status, Job_id); a
 * job id is a point read; a name (ix_customers_name) or the last digits of a mobile
 * (ix_customers_mobile_tail, the digits reversed) find customers first, whose jobs page
 * customer_jobs' primary key (customer_id, Job_id).
 */
export class MysqlConsoleJobs implements ConsoleJobs {
  constructor(private readonly pool: MysqlPool) {}

  async list(query: JobListQuery): Promise<Slice<ListedJob>> {
    if (query.search && !('jobId' in query.search)) return this.listCustomersJobs(query, query.search);
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.status !== undefined) {
      where.push('t.last_status = ?');
      values.push(query.status);
    }
    if (query.beforeJobId !== undefined) {
      where.push('t.Job_id < ?');
      values.push(query.beforeJobId);
    }
    if (query.search) {
      where.push('t.Job_id = ?');
      values.push(query.search.jobId);
    }
    // Forced: MariaDB would otherwise read the status's whole ref range backwards down to the cursor.
    const statusIndex = query.status === undefined ? '' : ' FORCE INDEX (ix_job_tracking_status)';
    const [rows] = await this.pool.query<JobRow[]>(
      `${SELECT_JOBS} FROM job_tracking t${statusIndex} LEFT JOIN customer_jobs cj ON cj.Job_id = t.Job_id LEFT JOIN customers c ON c.customer_id = cj.customer_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.Job_id DESC LIMIT ?`,
      [...values, query.limit + 1],
    );
    return { items: rows.slice(0, query.limit).map(toJob), more: rows.length > query.limit };
  }

  /**
   * A search: the customers first, then the page's job ids from customer_jobs' primary key (index
   * only, unless a status joins job_tracking), then those jobs' rows, so the customer join and the
   * notification count run for the page's rows alone.
   */
  private async listCustomersJobs(query: JobListQuery, search: Exclude<JobSearch, { jobId: number }>): Promise<Slice<ListedJob>> {
    const customerIds = await this.searchCustomers(search);
    if (customerIds.length === 0) return { items: [], more: false };
    const status = query.status === undefined ? '' : 'AND t.last_status = ?';
    const before = query.beforeJobId === undefined ? '' : 'AND cj.Job_id < ?';
    const [idRows] = await this.pool.query<RowDataPacket[]>(
      `SELECT cj.Job_id FROM customer_jobs cj${status ? ' JOIN job_tracking t ON t.Job_id = cj.Job_id' : ''}
       WHERE cj.customer_id IN (?) ${status} ${before} ORDER BY cj.Job_id DESC LIMIT ?`,
      [customerIds, ...(status ? [query.status] : []), ...(before ? [query.beforeJobId] : []), query.limit + 1],
    );
    const jobIds = idRows.slice(0, query.limit).map((row) => Number(row.Job_id));
    if (jobIds.length === 0) return { items: [], more: false };
    const [rows] = await this.pool.query<JobRow[]>(
      `${SELECT_JOBS} FROM job_tracking t JOIN customer_jobs cj ON cj.Job_id = t.Job_id JOIN customers c ON c.customer_id = cj.customer_id
       WHERE t.Job_id IN (?) ORDER BY t.Job_id DESC`,
      [jobIds],
    );
    return { items: rows.map(toJob), more: idRows.length > query.limit };
  }

  private async searchCustomers(search: Exclude<JobSearch, { jobId: number }>): Promise<number[]> {
    const [rows] =
      'namePrefix' in search
        ? await this.pool.query<RowDataPacket[]>('SELECT customer_id FROM customers WHERE name LIKE ? ORDER BY name LIMIT ?', [likePrefix(search.namePrefix), MAX_SEARCHED_CUSTOMERS])
        : await this.pool.query<RowDataPacket[]>('SELECT customer_id FROM customers WHERE mobile_tail LIKE ? ORDER BY mobile_tail LIMIT ?', [
            likePrefix([...search.mobileEnding].reverse().join('')),
            MAX_SEARCHED_CUSTOMERS,
          ]);
    return rows.map((row) => Number(row.customer_id));
  }

  async get(jobId: number): Promise<(ListedJob & { customer: JobCustomer | null }) | undefined> {
    const [rows] = await this.pool.query<JobRow[]>(
      `${SELECT_JOBS} FROM job_tracking t LEFT JOIN customer_jobs cj ON cj.Job_id = t.Job_id LEFT JOIN customers c ON c.customer_id = cj.customer_id WHERE t.Job_id = ?`,
      [jobId],
    );
    return rows[0] && toJob(rows[0]);
  }

  async openJobsOf(customerIds: readonly number[]): Promise<Map<number, Array<{ jobId: number; status: string }>>> {
    const open = new Map<number, Array<{ jobId: number; status: string }>>();
    if (customerIds.length === 0) return open;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT cj.customer_id, t.Job_id, t.last_status FROM customer_jobs cj JOIN job_tracking t ON t.Job_id = cj.Job_id
       WHERE cj.customer_id IN (?) AND t.is_open = 1 ORDER BY cj.Job_id DESC`,
      [[...new Set(customerIds)]],
    );
    for (const row of rows) {
      const customerId = Number(row.customer_id);
      open.set(customerId, [...(open.get(customerId) ?? []), { jobId: Number(row.Job_id), status: String(row.last_status) }]);
    }
    return open;
  }
}
