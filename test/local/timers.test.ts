import type { Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { createTimer } from '../../dev/timers.js';

const noRun = async () => {};

describe('timer triggers', () => {
  it('reads six-field NCRONTAB expressions with second resolution, in the given zone', () => {
    const next = (schedule: string, after: string, timezone?: string) =>
      createTimer({ schedule, where: 'test', run: noRun, ...(timezone ? { timezone } : {}) }).nextRun(new Date(after))?.toISOString();
    expect(next('*/5 * * * * *', '2026-11-23T09:00:01.500Z')).toBe('2026-11-23T09:00:05.000Z');
    expect(next('0 */1 * * * *', '2026-11-23T09:00:00.000Z', 'UTC')).toBe('2026-11-23T09:01:00.000Z');
    // Saturday 4 July 2026 -> Monday 6 July, 09:30 BST = 08:30 UTC.
    expect(next('0 30 9 * * 1-5', '2026-07-04T00:00:00Z', 'Europe/London')).toBe('2026-07-06T08:30:00.000Z');
  });

  it('refuses what the Functions host refuses, naming the function', () => {
    expect(() => createTimer({ schedule: '*/1 * * * *', where: 'function pollClientJobs schedule', run: noRun })).toThrow(/pollClientJobs schedule.*needs 6 fields.*not 5/);
    expect(() => createTimer({ schedule: '0 61 * * * *', where: 'function x schedule', run: noRun })).toThrow(/not a valid NCRONTAB expression/);
  });

  it('never starts a run while the previous one is going, reporting the skipped occurrences', async () => {
    let active = 0;
    let overlaps = 0;
    let skipped = 0;
    const starts: number[] = [];
    const timer = createTimer({
      schedule: '* * * * * *',
      where: 'test',
      run: async () => {
        active += 1;
        if (active > 1) overlaps += 1;
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 1500));
        active -= 1;
      },
      onSkipped: () => (skipped += 1),
    });
    timer.resume();
    await new Promise((resolve) => setTimeout(resolve, 4600));
    timer.stop();
    expect(overlaps).toBe(0);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1500);
    expect(skipped).toBeGreaterThanOrEqual(1);
  });

  it('hands the handler the Timer the library would (isPastDue, schedule, scheduleStatus)', async () => {
    const received: Timer[] = [];
    const timer = createTimer({ schedule: '* * * * * *', where: 'test', run: async (t) => void received.push(t) });
    timer.resume();
    await new Promise((resolve) => setTimeout(resolve, 2300));
    timer.stop();

    expect(received.length).toBeGreaterThanOrEqual(2);
    const [first, second] = received as [Timer, Timer];
    expect(first).toEqual({
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: expect.any(String), next: expect.any(String), lastUpdated: expect.any(String) },
    });
    expect(Date.parse(first.scheduleStatus.next) - Date.parse(first.scheduleStatus.last)).toBe(1000);
    expect(second.scheduleStatus.last).toBe(first.scheduleStatus.next);
    expect(new Date(first.scheduleStatus.next).getMilliseconds()).toBe(0);
  });
});
