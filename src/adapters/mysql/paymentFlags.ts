import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { PaymentFlag, PaymentFlags } from '../../domain/payments/ports.js';
import type { MysqlPool } from './pool.js';

/** `payment_flags`: one row per provider event id (INSERT IGNORE), amounts as decimal strings. */
export class MysqlPaymentFlags implements PaymentFlags {
  constructor(private readonly pool: MysqlPool) {}

  async flag(flag: PaymentFlag, at: Date): Promise<'flagged' | 'duplicate'> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      `INSERT IGNORE INTO payment_flags
        (provider, kind, event_id, event_type, object_id, reason, job_reference, payment_id, amount, currency, flagged_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [flag.provider, flag.kind, flag.eventId, flag.eventType, flag.objectId, flag.reason.slice(0, 512), flag.jobReference, flag.paymentId, flag.amount, flag.currency, at],
    );
    return result.affectedRows === 1 ? 'flagged' : 'duplicate';
  }

  async open(): Promise<Array<PaymentFlag & { flaggedAt: Date }>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT f.* FROM payment_flags f LEFT JOIN payments p ON p.payment_id = f.payment_id
       WHERE f.kind = 'refund' OR p.payment_id IS NULL ORDER BY f.flagged_at, f.event_id`,
    );
    return rows.map((row) => ({
      kind: row.kind === 'refund' ? 'refund' : 'payment',
      provider: String(row.provider),
      eventId: String(row.event_id),
      eventType: String(row.event_type),
      objectId: String(row.object_id),
      reason: String(row.reason),
      jobReference: row.job_reference === null ? null : String(row.job_reference),
      paymentId: row.payment_id === null ? null : String(row.payment_id),
      amount: row.amount === null ? null : String(row.amount),
      currency: row.currency === null ? null : String(row.currency),
      flaggedAt: row.flagged_at as Date,
    }));
  }
}
