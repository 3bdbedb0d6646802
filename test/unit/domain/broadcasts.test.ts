import { describe, expect, it } from 'vitest';
import { broadcastKey, sendBroadcast, type BroadcastRequest } from '../../../src/domain/broadcasts/broadcast.js';
import type { CustomerState } from '../../../src/domain/customers/customer.js';
import { listNotifications } from '../../../src/domain/notifications/deliveryLog.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { calendarOf, createWorld, type World } from '../../support/world.js';

const BROADCAST_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const MONDAY_0900 = new Date('2026-11-23T09:00:00.000Z'); // the fake clock's start: London 09:00 GMT
const MONDAY_0900_NEW_YORK = new Date('2026-11-23T14:00:00.000Z');

function customer(overrides: Partial<CustomerState> = {}): CustomerState {
  return { name: 'Ada', mobile: '+447700900001', email: null, timezone: null, contactHours: null, subscriptions: [{ channel: 'sms', address: null }], ...overrides };
}

async function add(world: World, state: CustomerState): Promise<number> {
  const created = await world.customers.create(state);
  if (created.outcome !== 'saved') throw new Error(`customer not created: ${created.outcome}`);
  return created.customer.customerId;
}

/** Business open every day 08:00-20:00 in London; three customers: one open now, one in New York office hours, one subscribed to nothing. */
async function broadcastWorld() {
  const world = createWorld();
  world.appDeps.calendar = calendarOf('Mon-Sun 08:00-20:00');
  expect(world.clock.now()).toEqual(MONDAY_0900);
  const now = await add(world, customer({ email: 'ada@example.com', subscriptions: [{ channel: 'sms', address: null }, { channel: 'email', address: null }] }));
  const office = await add(world, customer({ name: 'Bo', mobile: '+12125550123', timezone: 'America/New_York', contactHours: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '09:00', to: '17:00' }] }));
  const nobody = await add(world, customer({ name: 'Cy', mobile: '+447700900003', subscriptions: [] }));
  const request: BroadcastRequest = { broadcastId: BROADCAST_ID, text: 'We are closed on Friday for stocktaking.', customerIds: [now, office, nobody] };
  return { world, request, ids: { now, office, nobody } };
}

describe('broadcasts', () => {
  it('sends now inside the window, schedules the rest for their window, skips the unsubscribed, and counts each', async () => {
    const { world, request, ids } = await broadcastWorld();
    expect(await sendBroadcast(world.appDeps, request)).toEqual({
      outcome: 'accepted',
      broadcastId: BROADCAST_ID,
      counts: { recipients: 3, sendingNow: 1, scheduled: 1, skipped: 1 },
    });
    expect(await listNotifications(world, { customerId: ids.nobody, limit: 10 })).toEqual([
      expect.objectContaining({ notificationId: broadcastKey(BROADCAST_ID, ids.nobody, 'sms'), jobId: null, event: 'broadcast', outcome: 'skipped', reason: 'not-subscribed' }),
    ]);
    expect(await listNotifications(world, { customerId: ids.office, limit: 10 })).toEqual([
      expect.objectContaining({ outcome: 'scheduled', scheduledFor: MONDAY_0900_NEW_YORK.toISOString() }),
    ]);

    expect((await world.deliverDue()).sort()).toEqual(['sent', 'sent']);
    expect(world.gateway.sent).toEqual([expect.objectContaining({ to: '+447700900001', text: request.text })]);
    expect(world.smtpGateway.sent).toEqual([expect.objectContaining({ to: 'ada@example.com', subject: expect.any(String), text: request.text })]);
  });

  it('sends a scheduled broadcast when both windows are open, and counts every message sent in the statistics', async () => {
    const { world, request, ids } = await broadcastWorld();
    await sendBroadcast(world.appDeps, request);
    await world.deliverDue();
    world.clock.advance(MONDAY_0900_NEW_YORK.getTime() - world.clock.now().getTime() - 1);
    expect(await world.deliverDue()).toEqual([]);
    world.clock.advance(1);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent.map((sms) => sms.to)).toEqual(['+447700900001', '+12125550123']);
    expect([...world.stats.messages.values()].map((m) => `${m.customerId} ${m.type}`).sort()).toEqual([`${ids.now} email.broadcast`, `${ids.now} sms.broadcast`, `${ids.office} sms.broadcast`]);
    expect(world.transactions.rows).toEqual([]);
  });

  it('keeps a sent broadcast text in the log only until it is sent (issue 26): then only its length', async () => {
    const { world, request, ids } = await broadcastWorld();
    await sendBroadcast(world.appDeps, request);
    expect(world.notificationLog.entries.get(broadcastKey(BROADCAST_ID, ids.office, 'sms'))?.content).toEqual({ text: request.text });
    await world.deliverDue();
    const sent = world.notificationLog.entries.get(broadcastKey(BROADCAST_ID, ids.now, 'sms'));
    expect(sent).toMatchObject({ state: 'sent', content: { text: `(broadcast text removed once sent: ${Array.from(request.text).length} characters)` } });
    expect(JSON.stringify([...world.notificationLog.entries.values()].filter((e) => e.state === 'sent'))).not.toContain(request.text);
  });

  it('sends nothing more when a broadcastId is repeated, and answers the first counts', async () => {
    const { world, request } = await broadcastWorld();
    const first = await sendBroadcast(world.appDeps, request);
    await world.deliverDue();
    world.clock.advance(MONDAY_0900_NEW_YORK.getTime() - world.clock.now().getTime()); // the scheduled one is due: a recount would differ
    expect(await sendBroadcast(world.appDeps, { ...request, customerIds: [...request.customerIds].reverse() })).toEqual(first);
    await world.deliverDue();
    await world.deliverDue();
    expect(world.gateway.sent).toHaveLength(2);
    expect(world.smtpGateway.sent).toHaveLength(1);
  });

  it('refuses a repeated broadcastId with another text, writing nothing', async () => {
    const { world, request } = await broadcastWorld();
    await sendBroadcast(world.appDeps, request);
    const entries = world.notificationLog.entries.size;
    expect(await sendBroadcast(world.appDeps, { ...request, text: 'Something else' })).toEqual({ outcome: 'conflict', detail: expect.stringContaining(BROADCAST_ID) });
    expect(world.notificationLog.entries.size).toBe(entries);
  });

  it('refuses unknown customers before anything is written', async () => {
    const { world, request } = await broadcastWorld();
    expect(await sendBroadcast(world.appDeps, { ...request, customerIds: [...request.customerIds, 404, 405] })).toEqual({ outcome: 'unknown-customers', customerIds: [404, 405] });
    expect(world.notificationLog.entries.size).toBe(0);
    expect(world.broadcasts.rows.size).toBe(0);
    expect(world.queue.messages).toHaveLength(0);
  });

  it('finishes a broadcast a crash cut off after logging it when the caller repeats it, sending each message once', async () => {
    const { world, request } = await broadcastWorld();
    await expect(sendBroadcast(world.with({ notificationLog: crashAfter(world.notificationLog, 'register') }), request)).rejects.toSatisfy(isInjectedCrash);
    expect(world.queue.messages).toHaveLength(0);
    expect(await sendBroadcast(world.appDeps, request)).toMatchObject({ outcome: 'accepted', counts: { sendingNow: 1, scheduled: 1, skipped: 1 } });
    await world.deliverDue();
    await world.deliverDue();
    expect(world.gateway.sent).toHaveLength(1);
    expect(world.smtpGateway.sent).toHaveLength(1);
  });

  it('never loses a scheduled broadcast: a lost scheduled message is handed to the queue again by the poll', async () => {
    const { world, request, ids } = await broadcastWorld();
    await sendBroadcast(world.appDeps, request);
    await world.deliverDue();
    world.queue.messages.length = 0; // the scheduled message is lost
    world.clock.advance(MONDAY_0900_NEW_YORK.getTime() - world.clock.now().getTime() + 10 * 60_000);
    await world.poll();
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent.at(-1)).toEqual(expect.objectContaining({ to: '+12125550123', text: request.text }));
    expect(await listNotifications(world, { customerId: ids.office, limit: 10 })).toEqual([expect.objectContaining({ outcome: 'sent' })]);
  });

  it('checks the subscription again when the window opens: unsubscribed meanwhile, nothing is sent', async () => {
    const { world, request, ids } = await broadcastWorld();
    await sendBroadcast(world.appDeps, request);
    await world.deliverDue();
    await world.customers.unsubscribe(ids.office, 'sms');
    world.clock.advance(MONDAY_0900_NEW_YORK.getTime() - world.clock.now().getTime());
    expect(await world.deliverDue()).toEqual(['skipped']);
    expect(world.gateway.sent).toHaveLength(1);
  });
});
