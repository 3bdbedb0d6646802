import { app, type InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { installFunctionsCore } from '../../src/local/functionsCore.js';
import { HostConfigurationError, resolveSettingReferences, settingReferences } from '../../src/local/hostSettings.js';
import { Invoker } from '../../src/local/invocation.js';
import { parseTimerSchedule, TimerRunner, type TimerInfoRpc } from '../../src/local/timerTrigger.js';

describe('timer schedules', () => {
  it('resolves %SETTING% references from the app settings like the Functions host', () => {
    const env = { POLL_SCHEDULE: '*/5 * * * * *', STAGE: 'dev', EMPTY: '  ' };
    expect(settingReferences('%POLL_SCHEDULE%')).toEqual(['POLL_SCHEDULE']);
    expect(resolveSettingReferences('%POLL_SCHEDULE%', env, 'function pollClientJobs schedule')).toBe('*/5 * * * * *');
    expect(resolveSettingReferences('sms-%STAGE%-out', env, 'queue')).toBe('sms-dev-out');
    expect(resolveSettingReferences('0 */1 * * * *', env, 'schedule')).toBe('0 */1 * * * *');
    expect(() => resolveSettingReferences('%MISSING%', env, 'function pollClientJobs schedule')).toThrow(
      new HostConfigurationError("function pollClientJobs schedule: '%MISSING%' does not resolve to a value; set the app setting MISSING"),
    );
    expect(() => resolveSettingReferences('%EMPTY%', env, 'x')).toThrow(HostConfigurationError);
  });

  it('reads six-field NCRONTAB expressions with second resolution', () => {
    const everyFive = parseTimerSchedule('*/5 * * * * *', 'test');
    expect(everyFive.next(new Date('2026-11-23T09:00:01.500Z'))?.toISOString()).toBe('2026-11-23T09:00:05.000Z');
    const minutely = parseTimerSchedule('0 */1 * * * *', 'test', { timezone: 'UTC' });
    expect(minutely.next(new Date('2026-11-23T09:00:00.000Z'))?.toISOString()).toBe('2026-11-23T09:01:00.000Z');
    const weekdays = parseTimerSchedule('0 30 9 * * 1-5', 'test', { timezone: 'Europe/London' });
    // Saturday 4 July 2026 -> Monday 6 July, 09:30 BST = 08:30 UTC.
    expect(weekdays.next(new Date('2026-07-04T00:00:00Z'))?.toISOString()).toBe('2026-07-06T08:30:00.000Z');
  });

  it('refuses what the Functions host refuses, naming the function', () => {
    expect(() => parseTimerSchedule('*/1 * * * *', 'function pollClientJobs schedule')).toThrow(/pollClientJobs schedule.*needs 6 fields.*not 5/);
    expect(() => parseTimerSchedule('0 61 * * * *', 'function x schedule')).toThrow(/not a valid NCRONTAB expression/);
  });

  it('also accepts a TimeSpan schedule', () => {
    const schedule = parseTimerSchedule('00:00:30', 'test');
    expect(schedule.kind).toBe('interval');
    expect(schedule.next(new Date('2026-11-23T09:00:00Z'))?.toISOString()).toBe('2026-11-23T09:00:30.000Z');
  });
});

describe('timer runner', () => {
  it('never starts a run while the previous one is going, and skips the occurrences it missed', async () => {
    let active = 0;
    let overlaps = 0;
    const starts: number[] = [];
    const skipped: number[] = [];
    const runner = new TimerRunner({
      schedule: parseTimerSchedule('* * * * * *', 'test'),
      invoke: async () => {
        active += 1;
        if (active > 1) overlaps += 1;
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 1500));
        active -= 1;
      },
      onSkipped: (count) => skipped.push(count),
    });
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 4600));
    await runner.stop();

    expect(overlaps).toBe(0);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < starts.length; i += 1) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1500);
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(skipped.every((n) => n >= 1)).toBe(true);
    expect(runner.isRunning).toBe(false);
  });

  it('stop() waits for the run in progress and schedules nothing after it', async () => {
    let finished = false;
    let runs = 0;
    const runner = new TimerRunner({
      schedule: parseTimerSchedule('00:00:01', 'test'),
      runOnStartup: true,
      invoke: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      },
    });
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runner.stop();
    expect(finished).toBe(true);
    expect(runner.nextRun).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(runs).toBe(1);
  });

  it('hands the handler the library Timer object (isPastDue, schedule, scheduleStatus)', async () => {
    const core = installFunctionsCore();
    const received: Timer[] = [];
    app.timer('timerShape', {
      schedule: '%TEST_SCHEDULE%',
      handler: async (timer: Timer, context: InvocationContext) => {
        expect(context.functionName).toBe('timerShape');
        received.push(timer);
      },
    });
    const fn = core.getFunctions().find((f) => f.name === 'timerShape')!;
    expect(fn.trigger).toMatchObject({ type: 'timerTrigger', schedule: '%TEST_SCHEDULE%' });

    const invoker = new Invoker(core, () => {}, undefined);
    const expression = resolveSettingReferences(String(fn.trigger.schedule), { TEST_SCHEDULE: '* * * * * *' }, 'timerShape schedule');
    const runner = new TimerRunner({
      schedule: parseTimerSchedule(expression, 'timerShape schedule'),
      invoke: (info: TimerInfoRpc, reason) => invoker.invoke(fn, { triggerData: { json: JSON.stringify(info) }, reason }),
    });
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await runner.stop();

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
