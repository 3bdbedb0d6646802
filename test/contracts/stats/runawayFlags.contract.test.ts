import { expect, it } from 'vitest';
import { MysqlRunawayFlags } from '../../../src/adapters/mysql/runawayFlags.js';
import type { RunawayFlagInput, RunawayFlags } from '../../../src/domain/stats/ports.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';
import { FakeRunawayFlags } from './runawayFlags.fake.js';

const ledgerDb = databasePerFile(createLedgerDatabase);
const AT = new Date('2026-11-23T09:00:00.000Z');

const flag = (overrides: Partial<RunawayFlagInput> = {}): RunawayFlagInput => ({
  subject: { kind: 'customer', customerId: 7 },
  day: '2026-11-23',
  reasons: ['count'],
  count: 51,
  cost: null,
  baselineCount: 14,
  baselineCost: null,
  paused: true,
  at: AT,
  ...overrides,
});

describeContract<RunawayFlags>(
  'RunawayFlags',
  [fakeImplementation(() => new FakeRunawayFlags()), mysqlImplementation(ledgerDb, ['runaway_flags'], (pool) => new MysqlRunawayFlags(pool))],
  (subject) => {
    it('keeps one flag per subject and day: a repeat raises its figures and adds reasons', async () => {
      const flags = subject();
      await flags.record([flag(), flag({ subject: { kind: 'type', type: 'sms.job-received' }, paused: false, cost: '9.120', baselineCost: '1.000', reasons: ['cost'] })]);
      await flags.record([flag({ count: 40, reasons: ['cost'], cost: '6.000', baselineCost: '0.500' })]);
      const listed = await flags.list({ limit: 10 });
      expect(listed).toHaveLength(2);
      expect(listed[0]).toMatchObject({ subject: { kind: 'type', type: 'sms.job-received' }, reasons: ['cost'], cost: '9.120', paused: false });
      expect(listed[1]).toMatchObject({ subject: { kind: 'customer', customerId: 7 }, day: '2026-11-23', reasons: ['count', 'cost'], count: 51, cost: '6.000', baselineCount: 14, paused: true, releasedAt: null, at: AT });
      expect(await flags.list({ before: listed[0]!.flagId, limit: 10 })).toEqual([listed[1]]);
    });

    it('pauses until released; a release stands for the rest of the day and another day pauses again', async () => {
      const flags = subject();
      await flags.record([flag()]);
      expect(await flags.isPaused(7)).toBe(true);
      expect(await flags.isPaused(8)).toBe(false);
      expect(await flags.release(7, 'Sam', new Date('2026-11-23T10:00:00.000Z'))).toBe(1);
      expect(await flags.release(7, 'Sam', new Date('2026-11-23T10:01:00.000Z'))).toBe(0);
      expect(await flags.isPaused(7)).toBe(false);
      await flags.record([flag({ count: 80 })]);
      expect(await flags.isPaused(7)).toBe(false);
      expect((await flags.list({ limit: 1 }))[0]).toMatchObject({ count: 80, releasedBy: 'Sam', releasedAt: new Date('2026-11-23T10:00:00.000Z') });
      await flags.record([flag({ day: '2026-11-24' })]);
      expect(await flags.isPaused(7)).toBe(true);
    });

    it('counts no sends where the notification log holds none', async () => {
      expect(await subject().sendFigures(7, AT, new Date('2026-11-16T09:00:00.000Z'))).toEqual({ paused: false, today: 0, baseline: 0 });
    });
  },
);
