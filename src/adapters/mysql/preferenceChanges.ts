import type { RowDataPacket } from 'mysql2/promise';
import type { PreferenceChange, PreferenceChanges } from '../../domain/customerPage/ports.js';
import type { MysqlPool } from './pool.js';

/** The ledger's `customer_preference_changes` (migration 025). */
export class MysqlPreferenceChanges implements PreferenceChanges {
  constructor(private readonly pool: MysqlPool) {}

  async record(change: PreferenceChange): Promise<void> {
    await this.pool.execute(
      'INSERT IGNORE INTO customer_preference_changes (request_key, customer_id, Job_id, source, summary, changed_at) VALUES (?, ?, ?, ?, ?, ?)',
      [change.requestKey, change.customerId, change.jobId, change.source, change.summary.slice(0, 500), change.at],
    );
  }

  /** Served by ix_preference_changes_customer (customer_id, change_id), read backwards. */
  async forCustomer(customerId: number, limit: number): Promise<PreferenceChange[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT request_key, customer_id, Job_id, source, summary, changed_at FROM customer_preference_changes WHERE customer_id = ? ORDER BY change_id DESC LIMIT ?',
      [customerId, limit],
    );
    return rows.map((row) => ({
      requestKey: String(row.request_key),
      customerId: Number(row.customer_id),
      jobId: Number(row.Job_id),
      source: String(row.source),
      summary: String(row.summary),
      at: row.changed_at as Date,
    }));
  }
}
