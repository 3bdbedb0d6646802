import { describe, expect, it } from 'vitest';
import { ChannelSender } from '../../../src/domain/notifications/channelSender.js';
import type { NotificationMessage } from '../../../src/domain/notifications/notificationMessage.js';
import { sendNotification } from '../../../src/domain/notifications/sendNotification.js';
import { SendWindow } from '../../../src/domain/notifications/sendWindow.js';
import { releaseCustomer, runawayPause, runawayReasons, type RunawayGuardDeps } from '../../../src/domain/stats/runawayGuard.js';
import { FakeRunawayFlags } from '../../contracts/stats/runawayFlags.fake.js';
import { createWorld } from '../../support/world.js';

const settings = { dailyCount: 20, dailyCost: '5.000', pause: true };

describe('the runaway rule', () => {
  it.each([
    [{ count: 21, cost: 0n }, { count: 0, cost: 0n }, ['count']],
    [{ count: 20, cost: 0n }, { count: 0, cost: 0n }, []],
    // A steady 50 a day is that customer's normal: 140 is under three times the average.
    [{ count: 140, cost: 0n }, { count: 350, cost: 0n }, []],
    [{ count: 151, cost: 0n }, { count: 350, cost: 0n }, ['count']],
    [{ count: 3, cost: 5001n }, { count: 7, cost: 7000n }, ['cost']],
    [{ count: 3, cost: 5000n }, { count: 0, cost: 0n }, []],
  ] as const)('%o against a baseline of %o is %o', (day, baseline, reasons) => {
    expect(runawayReasons(day, baseline, settings)).toEqual(reasons);
  });
});

describe('the runaway-sender guard in the send path', () => {
  const message = (i: number, customerId = 7): NotificationMessage => ({
    notificationId: `broadcast-bug-${customerId}-${i}`,
    channel: 'sms',
    event: 'broadcast',
    jobId: null,
    customerId,
    to: '+447770123456',
    text: 'Your repair is ready (sent again by a bug)',
  });

  function guardedWorld(pause = true) {
    const world = createWorld();
    const guard: RunawayGuardDeps = { flags: new FakeRunawayFlags(world.notificationLog), clock: world.clock, timeZone: 'Europe/London', settings: { ...settings, pause } };
    // The guard is asked with the send window, one of the channels' collaborators (as notificationsModule wires it).
    const window = new SendWindow({ ...world.appDeps, sendGuard: { pausedDetail: (customerId: number) => runawayPause(guard, customerId) } });
    const deps = { ...world.sendDeps, channels: new ChannelSender({ ...world.appDeps, window }) };
    return { world, guard, send: (m: NotificationMessage) => sendNotification(deps, m) };
  }

  it('sends a burst of 500 to one customer only up to the threshold, skips the rest as paused, and resumes once released', async () => {
    const { world, guard, send } = guardedWorld();
    const results: string[] = [];
    for (let i = 0; i < 500; i++) results.push(await send(message(i)));
    expect(results.filter((r) => r === 'sent')).toHaveLength(20);
    expect(results.slice(20).every((r) => r === 'skipped')).toBe(true);
    expect(world.gateway.sent).toHaveLength(20);
    expect(world.notificationLog.entries.get('broadcast-bug-7-20')).toMatchObject({ state: 'skipped', reason: 'paused', attempts: 0 });
    expect(world.notificationLog.entries.get('broadcast-bug-7-20')!.detail).toMatch(/paused by the runaway-sender guard/);
    // Another customer is not held.
    expect(await send(message(0, 8))).toBe('sent');

    expect(await releaseCustomer(guard, 7, 'Sam')).toEqual({ customerId: 7, released: 1 });
    expect(await send(message(500))).toBe('sent');
    expect(await send(message(501))).toBe('sent');
    expect(world.gateway.sent).toHaveLength(23);
    // The next day counts afresh: the first 20 go, the 21st pauses again.
    world.clock.advance(24 * 3_600_000);
    const nextDay: string[] = [];
    for (let i = 600; i < 625; i++) nextDay.push(await send(message(i)));
    expect(nextDay.filter((r) => r === 'sent')).toHaveLength(20);
  });

  it('holds nothing and reads nothing when RUNAWAY_PAUSE is off', async () => {
    const { world, send } = guardedWorld(false);
    for (let i = 0; i < 30; i++) expect(await send(message(i))).toBe('sent');
    expect(world.gateway.sent).toHaveLength(30);
  });
});
