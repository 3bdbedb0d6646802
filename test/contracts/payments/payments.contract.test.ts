import { expect, it } from 'vitest';
import { MysqlPayments } from '../../../src/adapters/mysql/payments.js';
import type { Payment, Payments } from '../../../src/domain/payments/ports.js';
import { FakePayments } from './payments.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

const ledgerDb = databasePerFile(createLedgerDatabase);

describeContract<Payments>(
  'Payments',
  [fakeImplementation(() => new FakePayments()), mysqlImplementation(ledgerDb, ['payments'], (pool) => new MysqlPayments(pool))],
  (subject) => {
    const receivedAt = new Date('2026-11-23T12:00:00.000Z');
    const payment = (n: number, jobId: number, paidMinute: number, overrides: Partial<Payment> = {}): Payment => ({
      paymentId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      jobId,
      amount: '125.500',
      currency: 'GBP',
      paidAt: new Date(Date.UTC(2026, 10, 23, 11, paidMinute, 0, 250)),
      ...overrides,
    });

    it('records a payment once per paymentId: a repeat is a duplicate and changes nothing', async () => {
      const payments = subject();
      const first = payment(1, 42, 0);
      expect(await payments.record(first, receivedAt)).toBe('recorded');
      expect(await payments.record({ ...first, amount: '999.000', jobId: 43 }, receivedAt)).toBe('duplicate');
      expect(await payments.get(first.paymentId)).toEqual(first);
      expect(await payments.forJob(43)).toEqual([]);
      expect(await payments.get(payment(2, 42, 0).paymentId)).toBeUndefined();
    });

    it('lets exactly one of two concurrent recordings of a payment win', async () => {
      const payments = subject();
      const results = await Promise.all([payments.record(payment(1, 42, 0), receivedAt), payments.record(payment(1, 42, 0), receivedAt)]);
      expect(results.sort()).toEqual(['duplicate', 'recorded']);
    });

    it('forJob returns the job payments, earliest paid first, amounts as 3-decimal strings', async () => {
      const payments = subject();
      const [late, early, other] = [payment(1, 42, 30, { amount: '0.001' }), payment(2, 42, 10, { amount: '999999999999.999' }), payment(3, 7, 20)];
      for (const p of [late, early, other]) await payments.record(p, receivedAt);
      expect(await payments.forJob(42)).toEqual([early, late]);
      expect(await payments.forJob(8)).toEqual([]);
    });

    it('paidJobs names the jobs with at least one payment', async () => {
      const payments = subject();
      for (const p of [payment(1, 42, 0), payment(2, 42, 1), payment(3, 7, 2)]) await payments.record(p, receivedAt);
      expect(await payments.paidJobs([7, 42, 99])).toEqual(new Set([7, 42]));
      expect(await payments.paidJobs([99])).toEqual(new Set());
      expect(await payments.paidJobs([])).toEqual(new Set());
    });
  },
);
