import { describe, expect, it } from 'vitest';
import type { NotificationEntry, SettlementListener } from '../../../src/domain/notifications/ports.js';
import { allListeners, batchedSettlement } from '../../../src/domain/notifications/settlement.js';
import { JobStatusMoves } from '../../../src/domain/jobs/statusEvents.js';
import { SentMessageCounter } from '../../../src/domain/stats/sentMessages.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { FakeJobTracking } from '../../contracts/jobs/jobTracking.fake.js';
import { FakeMessageStats } from '../../contracts/stats/messageStats.fake.js';
import { FakeClock } from '../../kit/clock.js';
import { MemoryLogger } from '../../kit/logger.js';
import { notificationEntry } from '../../kit/notificationEntries.js';

function settled(messageKey: string, overrides: Partial<NotificationEntry> = {}): NotificationEntry {
  const at = new Date('2026-11-23T09:00:00.000Z');
  const { delivery: _none, ...entry } = notificationEntry({ messageKey, jobId: null, customerId: 7, kind: 'broadcast', providerMessageId: 'P-1', price: '0.0333', settledAt: at });
  return { ...entry, ...overrides };
}

/** A listener that remembers each report it got. */
function recording(): SettlementListener & { reports: string[][] } {
  const reports: string[][] = [];
  return { reports, settled: async (entries) => void reports.push(entries.map((e) => e.messageKey)) };
}

describe('notifications report settled; listeners react', () => {
  it('tells every listener, in order, and stops at the first that fails (the report is repeated later)', async () => {
    const calls: string[] = [];
    const first: SettlementListener = { settled: async () => void calls.push('jobs') };
    const failing: SettlementListener = {
      settled: async () => {
        throw new Error('down');
      },
    };
    const last: SettlementListener = { settled: async () => void calls.push('stats') };
    await allListeners(first, last).settled([settled('a')]);
    expect(calls).toEqual(['jobs', 'stats']);
    await expect(allListeners(first, failing, last).settled([settled('b')])).rejects.toThrow('down');
    expect(calls).toEqual(['jobs', 'stats', 'jobs']);
  });

  it('reports settlements that arrive while one runs together, each caller answered once its own is done', async () => {
    const listener = recording();
    const batched = batchedSettlement(listener);
    await Promise.all([batched.settled([settled('a')]), batched.settled([settled('b')]), batched.settled([settled('c')])]);
    expect(listener.reports).toEqual([['a'], ['b', 'c']]);
  });

  it('counts every sent message once, jobless ones too, and never a skipped one', async () => {
    const stats = new FakeMessageStats();
    const counter = new SentMessageCounter({ stats, clock: new FakeClock(), logger: new MemoryLogger() });
    await counter.settled([settled('broadcast-1'), settled('broadcast-1'), settled('job-1-received', { jobId: 1, kind: 'job-received' }), settled('x', { state: 'skipped' })]);
    await counter.settled([settled('broadcast-1')]);
    expect([...stats.messages.values()].map((m) => m.type).sort()).toEqual(['sms.broadcast', 'sms.job-received']);
  });
});

describe('a job seen at a new status (JobStatusMoves)', () => {
  it('tells the customer before tracking moves on, so a crash in between announces it again rather than never', async () => {
    const tracking = new FakeJobTracking();
    await tracking.track([{ jobId: 1, status: 'OPENED' }]);
    const announced: string[] = [];
    let down = true;
    const announcer = {
      announce: async (event: string, jobs: readonly { jobId: number }[]) => {
        if (down && jobs.length > 0) throw new Error('outbox down');
        announced.push(...jobs.map((job) => `${event}:${job.jobId}`));
        return { queued: jobs.length, skipped: 0 };
      },
    };
    const moves = new JobStatusMoves({ announcer, tracking, clock: new FakeClock() });
    const move = { job: clientJob(1, { status: 'IN PROGRESS' }), from: 'OPENED', status: 'IN PROGRESS' as const };
    await expect(moves.moved([move])).rejects.toThrow('outbox down');
    expect(tracking.jobs.get(1)?.lastStatus).toBe('OPENED');
    down = false;
    await moves.moved([move]);
    expect(announced).toEqual(['job-in-progress:1']);
    expect(tracking.jobs.get(1)?.lastStatus).toBe('IN PROGRESS');
  });
});
