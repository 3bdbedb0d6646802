import { expect, it } from 'vitest';
import { MysqlCustomerFeedback } from '../../../src/adapters/mysql/feedback.js';
import type { CustomerFeedback, FeedbackReply } from '../../../src/domain/feedback/ports.js';
import { FakeCustomerFeedback } from './customerFeedback.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

const ledgerDb = databasePerFile(createLedgerDatabase);

describeContract<CustomerFeedback>(
  'CustomerFeedback',
  [fakeImplementation(() => new FakeCustomerFeedback()), mysqlImplementation(ledgerDb, ['feedback'], (pool) => new MysqlCustomerFeedback(pool))],
  (subject) => {
    const reply = (inboundMessageId: string, jobId: number, minute: number, overrides: Partial<FeedbackReply> = {}): FeedbackReply => ({
      inboundMessageId,
      jobId,
      customerId: 7,
      score: 4,
      text: '4 thanks, great repair',
      receivedAt: new Date(Date.UTC(2026, 10, 23, 14, minute, 0, 500)),
      ...overrides,
    });

    it('records a reply once per inbound message: a repeat is a duplicate and changes nothing', async () => {
      const feedback = subject();
      const first = reply('in-1', 10, 0, { score: null, text: 'who is this?' });
      expect(await feedback.record(first)).toBe('recorded');
      expect(await feedback.record({ ...first, score: 5, text: '5', jobId: 11 })).toBe('duplicate');
      expect(await feedback.get('in-1')).toEqual(first);
      expect(await feedback.forJob(11)).toEqual([]);
      expect(await feedback.get('in-2')).toBeUndefined();
    });

    it('lets exactly one of two concurrent recordings of a reply win', async () => {
      const feedback = subject();
      const results = await Promise.all([feedback.record(reply('in-1', 10, 0)), feedback.record(reply('in-1', 10, 0))]);
      expect(results.sort()).toEqual(['duplicate', 'recorded']);
    });

    it('forJob returns the job replies oldest first, whatever the order they were recorded in', async () => {
      const feedback = subject();
      const [late, early, other] = [reply('in-1', 10, 30), reply('in-2', 10, 10, { score: null, text: 'hello?' }), reply('in-3', 11, 20)];
      for (const r of [late, early, other]) await feedback.record(r);
      expect(await feedback.forJob(10)).toEqual([early, late]);
      expect(await feedback.forJob(12)).toEqual([]);
    });

    it('lists replies newest first by record order, a page at a time from `before`, with their customer', async () => {
      const feedback = subject();
      const replies = [reply('in-a', 10, 5), reply('in-b', 11, 1, { customerId: null, score: 2 }), reply('in-c', 12, 3, { customerId: 8, score: 5 })];
      for (const r of replies) await feedback.record(r);
      const all = await feedback.list({ limit: 10 });
      expect(all.map(({ feedbackId: _, ...entry }) => entry)).toEqual([...replies].reverse());
      const ids = all.map((entry) => entry.feedbackId);
      expect(ids[0]! > ids[1]! && ids[1]! > ids[2]!).toBe(true);
      expect((await feedback.list({ limit: 2 })).map((e) => e.inboundMessageId)).toEqual(['in-c', 'in-b']);
      expect((await feedback.list({ limit: 2, before: ids[1]! })).map((e) => e.inboundMessageId)).toEqual(['in-a']);
      expect(await feedback.list({ limit: 2, before: ids[2]! })).toEqual([]);
    });
  },
);
