import type { RowDataPacket } from 'mysql2/promise';
import type { TrackingLinkLedger } from '../../domain/customerPage/trackingLinks.js';
import type { MysqlPool } from './pool.js';

/** The ledger's `tracking_links` (migration 025): one row per job link, read by its primary key. */
export class MysqlTrackingLinks implements TrackingLinkLedger {
  constructor(private readonly pool: MysqlPool) {}

  async remember(links: ReadonlyArray<{ tokenHash: string; jobId: number }>, at: Date): Promise<void> {
    if (links.length === 0) return;
    await this.pool.query('INSERT IGNORE INTO tracking_links (token_hash, Job_id, created_at) VALUES ?', [links.map((link) => [link.tokenHash, link.jobId, at])]);
  }

  async jobOf(tokenHash: string): Promise<number | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT Job_id FROM tracking_links WHERE token_hash = ?', [tokenHash]);
    return rows[0] ? Number(rows[0].Job_id) : undefined;
  }
}
