import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Payment, Payments } from '../../domain/payments/ports.js';
import { placeholders, type MysqlPool } from './pool.js';

/** Amounts go in and come out as decimal strings; mysql2 is set never to turn DECIMAL into a float. */
export class MysqlPayments implements Payments {
  constructor(private readonly pool: MysqlPool) {}

  async record(payment: Payment, receivedAt: Date): Promise<'recorded' | 'duplicate'> {
    const [result] = await this.pool.execute<ResultSetHeader>(
      'INSERT IGNORE INTO payments (payment_id, Job_id, amount, currency, paid_at, received_at) VALUES (?, ?, ?, ?, ?, ?)',
      [payment.paymentId, payment.jobId, payment.amount, payment.currency, payment.paidAt, receivedAt],
    );
    return result.affectedRows === 1 ? 'recorded' : 'duplicate';
  }

  async get(paymentId: string): Promise<Payment | undefined> {
    return (await this.select('payment_id = ?', paymentId))[0];
  }

  async forJob(jobId: number): Promise<Payment[]> {
    return this.select('Job_id = ?', jobId);
  }

  private async select(where: string, value: string | number): Promise<Payment[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT payment_id, Job_id, amount, currency, paid_at FROM payments WHERE ${where} ORDER BY paid_at, payment_id`,
      [value],
    );
    return rows.map((row) => ({
      paymentId: String(row.payment_id),
      jobId: Number(row.Job_id),
      amount: String(row.amount),
      currency: String(row.currency),
      paidAt: row.paid_at as Date,
    }));
  }

  async paidJobs(jobIds: readonly number[]): Promise<Set<number>> {
    if (jobIds.length === 0) return new Set();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT DISTINCT Job_id FROM payments WHERE Job_id IN (${placeholders(jobIds.length)})`,
      [...jobIds],
    );
    return new Set(rows.map((row) => Number(row.Job_id)));
  }
}
