import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { BroadcastCounts, BroadcastRecord, Broadcasts } from '../../domain/broadcasts/ports.js';
import type { MysqlPool } from './pool.js';

interface BroadcastRow extends RowDataPacket {
  broadcast_id: string;
  request_hash: string;
  recipients: number;
  sending_now: number | null;
  scheduled: number | null;
  skipped: number | null;
  created_at: Date;
}

/** The ledger's `broadcasts` table (migration 012): the primary key is the caller's `broadcastId`. */
export class MysqlBroadcasts implements Broadcasts {
  constructor(private readonly pool: MysqlPool) {}

  async start(broadcast: Omit<BroadcastRecord, 'counts'>): Promise<{ outcome: 'started' } | { outcome: 'exists'; broadcast: BroadcastRecord }> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      'INSERT IGNORE INTO broadcasts (broadcast_id, request_hash, recipients, created_at) VALUES (?, ?, ?, ?)',
      [broadcast.broadcastId, broadcast.requestHash, broadcast.recipients, broadcast.createdAt],
    );
    if (result.affectedRows === 1) return { outcome: 'started' };
    const [[row]] = await this.pool.execute<BroadcastRow[]>(
      'SELECT broadcast_id, request_hash, recipients, sending_now, scheduled, skipped, created_at FROM broadcasts WHERE broadcast_id = ?',
      [broadcast.broadcastId],
    );
    if (!row) throw new Error(`broadcast ${broadcast.broadcastId} was neither inserted nor found`);
    return { outcome: 'exists', broadcast: toRecord(row) };
  }

  async complete(broadcastId: string, counts: BroadcastCounts, at: Date): Promise<void> {
    await this.pool.execute(
      'UPDATE broadcasts SET sending_now = ?, scheduled = ?, skipped = ?, completed_at = ? WHERE broadcast_id = ? AND completed_at IS NULL',
      [counts.sendingNow, counts.scheduled, counts.skipped, at, broadcastId],
    );
  }
}

function toRecord(row: BroadcastRow): BroadcastRecord {
  const done = row.sending_now !== null && row.scheduled !== null && row.skipped !== null;
  return {
    broadcastId: row.broadcast_id,
    requestHash: row.request_hash,
    recipients: Number(row.recipients),
    counts: done ? { recipients: Number(row.recipients), sendingNow: Number(row.sending_now), scheduled: Number(row.scheduled), skipped: Number(row.skipped) } : null,
    createdAt: row.created_at,
  };
}
