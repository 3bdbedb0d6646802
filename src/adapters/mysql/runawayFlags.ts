import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { RunawayFlag, RunawayFlagInput, RunawayFlags, RunawayReason } from '../../domain/stats/ports.js';
import { placeholders, type MysqlPool } from './pool.js';

/** `customer:<id>` or `type:<type>`: one key for either kind of subject, so one unique index serves both. */
const subjectKey = (flag: RunawayFlagInput) => Buffer.from(flag.subject.kind === 'customer' ? `customer:${flag.subject.customerId}` : `type:${flag.subject.type}`, 'utf8');

function flagOf(row: RowDataPacket): RunawayFlag {
  const reasons: RunawayReason[] = [...(Number(row.by_count) ? (['count'] as const) : []), ...(Number(row.by_cost) ? (['cost'] as const) : [])];
  const amount = (value: unknown) => (value === null ? null : String(value));
  return {
    flagId: Number(row.flag_id),
    subject: row.customer_id === null ? { kind: 'type', type: (row.type as Buffer).toString('utf8') } : { kind: 'customer', customerId: Number(row.customer_id) },
    day: String(row.day),
    reasons,
    count: Number(row.message_count),
    cost: amount(row.total_amount),
    baselineCount: Number(row.baseline_count),
    baselineCost: amount(row.baseline_amount),
    paused: Number(row.paused) === 1,
    at: row.flagged_at as Date,
    releasedAt: (row.released_at as Date | null) ?? null,
    releasedBy: row.released_by === null ? null : String(row.released_by),
  };
}

const COLUMNS = `flag_id, customer_id, type, DATE_FORMAT(day, '%Y-%m-%d') AS day, by_count, by_cost, message_count, total_amount,
  baseline_count, baseline_amount, paused, flagged_at, released_at, released_by`;

export class MysqlRunawayFlags implements RunawayFlags {
  constructor(private readonly pool: MysqlPool) {}

  async sendFigures(customerId: number, since: Date, baselineSince: Date): Promise<{ paused: boolean; today: number; baseline: number }> {
    // All three through indexes: ix_runaway_flags_paused, and ix_notification_log_customer (customer_id, created_at) for the counts.
    const [[row]] = await this.pool.query<RowDataPacket[]>(
      `SELECT EXISTS (SELECT 1 FROM runaway_flags WHERE customer_id = ? AND paused = 1 AND released_at IS NULL) AS paused,
              (SELECT COUNT(*) FROM notification_log WHERE customer_id = ? AND created_at >= ? AND attempts > 0) AS today,
              (SELECT COUNT(*) FROM notification_log WHERE customer_id = ? AND created_at >= ? AND created_at < ? AND attempts > 0) AS baseline`,
      [customerId, customerId, since, customerId, baselineSince, since],
    );
    return { paused: Number(row?.paused) === 1, today: Number(row?.today), baseline: Number(row?.baseline) };
  }

  async isPaused(customerId: number): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT 1 FROM runaway_flags WHERE customer_id = ? AND paused = 1 AND released_at IS NULL LIMIT 1', [customerId]);
    return rows.length > 0;
  }

  async record(flags: readonly RunawayFlagInput[]): Promise<void> {
    if (flags.length === 0) return;
    // Sorted by key, so concurrent reviews lock the unique index in the same order.
    const sorted = [...flags].sort((a, b) => Buffer.compare(subjectKey(a), subjectKey(b)) || a.day.localeCompare(b.day));
    await this.pool.query(
      `INSERT INTO runaway_flags (subject_key, customer_id, type, day, by_count, by_cost, message_count, total_amount, baseline_count, baseline_amount, paused, flagged_at)
       VALUES ${placeholders(sorted.length, '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')}
       ON DUPLICATE KEY UPDATE
         by_count = by_count OR VALUES(by_count), by_cost = by_cost OR VALUES(by_cost),
         message_count = GREATEST(message_count, VALUES(message_count)),
         total_amount = COALESCE(VALUES(total_amount), total_amount),
         baseline_count = VALUES(baseline_count),
         baseline_amount = COALESCE(VALUES(baseline_amount), baseline_amount),
         paused = paused OR (VALUES(paused) AND released_at IS NULL)`,
      sorted.flatMap((flag) => [
        subjectKey(flag),
        flag.subject.kind === 'customer' ? flag.subject.customerId : null,
        flag.subject.kind === 'type' ? Buffer.from(flag.subject.type, 'utf8') : null,
        flag.day,
        flag.reasons.includes('count') ? 1 : 0,
        flag.reasons.includes('cost') ? 1 : 0,
        flag.count,
        flag.cost,
        flag.baselineCount,
        flag.baselineCost,
        flag.paused ? 1 : 0,
        flag.at,
      ]),
    );
  }

  async list(page: { before?: number; limit: number }): Promise<RunawayFlag[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${COLUMNS} FROM runaway_flags ${page.before === undefined ? '' : 'WHERE flag_id < ?'} ORDER BY flag_id DESC LIMIT ?`,
      [...(page.before === undefined ? [] : [page.before]), page.limit],
    );
    return rows.map(flagOf);
  }

  async release(customerId: number, by: string, at: Date): Promise<number> {
    const [result] = await this.pool.query<ResultSetHeader>(
      'UPDATE runaway_flags SET released_at = ?, released_by = ? WHERE customer_id = ? AND paused = 1 AND released_at IS NULL',
      [at, by.slice(0, 128), customerId],
    );
    return result.affectedRows;
  }
}
