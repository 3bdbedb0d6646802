import type { PreferenceChange, PreferenceChanges } from '../../domain/customerPage/ports.js';
import type { MysqlPool } from './pool.js';

/** The ledger's `customer_preference_changes` (migration 025): written once per request key. No route reads it yet; ix_preference_changes_customer is there for a customer's changes, newest first. */
export class MysqlPreferenceChanges implements PreferenceChanges {
  constructor(private readonly pool: MysqlPool) {}

  async record(change: PreferenceChange): Promise<void> {
    await this.pool.execute(
      'INSERT IGNORE INTO customer_preference_changes (request_key, customer_id, Job_id, source, summary, changed_at) VALUES (?, ?, ?, ?, ?, ?)',
      [change.requestKey, change.customerId, change.jobId, change.source, change.summary.slice(0, 500), change.at],
    );
  }
}
