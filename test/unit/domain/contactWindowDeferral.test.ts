import { describe, expect, it } from 'vitest';
import { listNotifications } from '../../../src/domain/notifications/deliveryLog.js';
import { sendNotification } from '../../../src/domain/notifications/sendNotification.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { FakeClock } from '../../kit/clock.js';
import { calendarOf, createWorld } from '../../support/world.js';

const SATURDAY_NIGHT = new Date('2026-11-28T22:30:00.000Z');
const MONDAY_OPENING = new Date('2026-11-30T09:00:00.000Z'); // 09:00 GMT

/** A business open Mon-Fri 09:00-17:00 in London, a job ingested on Saturday night. */
async function closedBusinessWorld() {
  const world = createWorld([clientJob(1)]);
  world.appDeps.calendar = calendarOf('Mon-Fri 09:00-17:00');
  (world.clock as FakeClock).advance(SATURDAY_NIGHT.getTime() - world.clock.now().getTime());
  await world.poll();
  return world;
}

describe('contact windows in the pipeline', () => {
  it('schedules a courtesy message due at night for the window, and opens the job when it goes out in the morning', async () => {
    const world = await closedBusinessWorld();
    expect(await world.deliverDue()).toEqual(['scheduled']);
    expect(world.gateway.calls).toHaveLength(0);
    expect(world.clientJobs.status(1)).toBe('NEW');
    expect(world.queue.messages).toEqual([expect.objectContaining({ messageId: `job-1-received-at-${MONDAY_OPENING.getTime()}`, scheduledAt: MONDAY_OPENING })]);
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([
      expect.objectContaining({ outcome: 'scheduled', scheduledFor: MONDAY_OPENING.toISOString(), attempts: 0 }),
    ]);

    world.clock.advance(MONDAY_OPENING.getTime() - world.clock.now().getTime() - 1);
    expect(await world.deliverDue()).toEqual([]); // one millisecond early: still waiting
    world.clock.advance(1);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([expect.objectContaining({ outcome: 'sent', scheduledFor: null })]);
  });

  it('schedules once however often the message is delivered while it waits', async () => {
    const world = await closedBusinessWorld();
    const [message] = world.queue.drain(world.clock.now());
    expect(await sendNotification(world.sendWith({ calendar: world.appDeps.calendar }), message!.body)).toBe('scheduled');
    expect(await sendNotification(world.sendWith({ calendar: world.appDeps.calendar }), message!.body)).toBe('scheduled');
    expect(world.queue.messages).toHaveLength(1);
    expect(world.queue.duplicatesDropped).toBe(1);
  });

  it('checks the subscription again when the window opens: unsubscribed meanwhile, nothing is sent', async () => {
    const world = await closedBusinessWorld();
    await world.deliverDue();
    await world.customers.unsubscribe(1, 'sms');
    world.clock.advance(MONDAY_OPENING.getTime() - world.clock.now().getTime());
    expect(await world.deliverDue()).toEqual(['skipped']);
    expect(world.gateway.calls).toHaveLength(0);
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'not-subscribed' })]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('never loses a scheduled message: lost with a crash, the poll hands it to the queue again after its time', async () => {
    const world = await closedBusinessWorld();
    const [message] = world.queue.drain(world.clock.now());
    const crashing = world.sendWith({ calendar: world.appDeps.calendar, queue: crashAfter(world.queue, 'enqueue') });
    await expect(sendNotification(crashing, message!.body)).rejects.toSatisfy(isInjectedCrash);
    world.queue.messages.length = 0; // the scheduled message died with the process
    world.clock.advance(MONDAY_OPENING.getTime() - world.clock.now().getTime() + 10 * 60_000);
    await world.poll();
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });
});
