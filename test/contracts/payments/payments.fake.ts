import type { Payment, Payments } from '../../../src/domain/payments/ports.js';
import { byTimeThenKey } from '../sqlOrder.js';

export class FakePayments implements Payments {
  readonly stored = new Map<string, Payment>();

  async record(payment: Payment): Promise<'recorded' | 'duplicate'> {
    if (this.stored.has(payment.paymentId)) return 'duplicate';
    this.stored.set(payment.paymentId, { ...payment });
    return 'recorded';
  }

  async get(paymentId: string): Promise<Payment | undefined> {
    const payment = this.stored.get(paymentId);
    return payment && { ...payment };
  }

  /** Like `ORDER BY paid_at, payment_id`. */
  async forJob(jobId: number): Promise<Payment[]> {
    return [...this.stored.values()]
      .filter((p) => p.jobId === jobId)
      .sort((a, b) => byTimeThenKey([a.paidAt, a.paymentId], [b.paidAt, b.paymentId]))
      .map((p) => ({ ...p }));
  }

  async paidJobs(jobIds: readonly number[]): Promise<Set<number>> {
    return new Set([...this.stored.values()].map((p) => p.jobId).filter((id) => jobIds.includes(id)));
  }
}
