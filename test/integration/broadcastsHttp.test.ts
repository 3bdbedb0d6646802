import { InvocationContext } from '@azure/functions';
import type { RowDataPacket } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registrations } from '../../dev/functionsCore.js';
import { provideRelay } from '../../src/processRelay.js';
import { FakeClock } from '../kit/clock.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/broadcasts/sendBroadcast.js';
import '../../src/functions/customers/createCustomer.js';
import '../../src/functions/notifications/listNotifications.js';
import '../../src/functions/notifications/sendNotification.js';

/** Monday 23 Nov 2026, 09:00 in London: the business (always open in the real stack) is open; New York's office opens at 14:00 UTC. */
const MONDAY_0900 = new Date('2026-11-23T09:00:00.000Z');
const NEW_YORK_OPENS = new Date('2026-11-23T14:00:00.000Z');
const TEXT = 'We are closed on Friday for stocktaking.';

const broadcast = (body: unknown) => callHttpFunction('sendBroadcast', 'POST', { body: typeof body === 'string' ? body : JSON.stringify(body) });
const notificationsOf = async (customerId: number) =>
  (await callHttpFunction('listNotifications', 'GET', { query: { customerId: String(customerId) } })).body.notifications as Array<Record<string, unknown>>;

/** POST /api/broadcasts through its function file, over the composition root's relay, MariaDB, the queue trigger and the Vonage sandbox. */
describe('broadcasts over HTTP against the real stack', () => {
  let stack: RealStack;
  const clock = new FakeClock(MONDAY_0900);
  const ids = { now: 0, later: 0, nobody: 0 };
  const broadcastId = randomUUID();
  const request = () => ({ broadcastId, text: TEXT, customerIds: [ids.now, ids.later, ids.nobody] });

  const createCustomer = async (body: Record<string, unknown>): Promise<number> => {
    const created = await callHttpFunction('createCustomer', 'POST', { body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    return created.body.customerId as number;
  };

  /** Runs the registered queue-trigger handler on every message due by the fake clock, as the Functions host would. */
  async function deliverDue(): Promise<void> {
    const handler = registrations.get('sendNotification')!.handler;
    for (const message of stack.queue.drain(clock.now())) {
      await handler(message.body, new InvocationContext({ functionName: 'sendNotification', triggerMetadata: { messageId: message.messageId } }));
    }
  }

  /** Every log entry of a broadcast, in key order. */
  const entriesOf = async (id: string) => {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>(
      'SELECT message_key, customer_id, channel, state, scheduled_for FROM notification_log WHERE message_key LIKE ? ORDER BY message_key',
      [`broadcast-${id}-%`],
    );
    return rows.map((row) => ({ ...row, customer_id: Number(row.customer_id) }));
  };

  /** What a refused request must leave as it was: every table it could write, the queue and what was sent. */
  const written = async () => {
    const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM notification_log) AS entries, (SELECT MAX(updated_at) FROM notification_log) AS changed,
              (SELECT COUNT(*) FROM broadcasts) AS broadcasts, (SELECT COUNT(*) FROM broadcasts WHERE completed_at IS NOT NULL) AS completed`,
    );
    return {
      entries: Number(row?.entries),
      changed: String(row?.changed),
      broadcasts: Number(row?.broadcasts),
      completed: Number(row?.completed),
      queued: stack.queue.messages.length,
      duplicatesDropped: stack.queue.duplicatesDropped,
      sms: stack.sandbox.sent.length,
      mail: stack.mailSink.received.length,
    };
  };

  beforeAll(async () => {
    stack = await startRealStack({}, undefined, { clock });
    provideRelay(async () => stack.relay);
    ids.now = await createCustomer({ name: 'Ada Now', mobile: '07770 500101' });
    ids.later = await createCustomer({
      name: 'Bo Later',
      mobile: '07770 500102',
      timezone: 'America/New_York',
      contactHours: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '09:00', to: '17:00' }],
    });
    ids.nobody = await createCustomer({ name: 'Cy Nobody', mobile: '07770 500103', subscriptions: [] });
  });
  beforeEach(() => provideRelay(async () => stack.relay));
  afterAll(async () => stack?.stop());

  it('answers 202 with the counts, sends at once inside the window through the queue, and schedules the other for their window', async () => {
    const answer = await broadcast(request());
    expect(answer).toEqual({ status: 202, contentType: expect.stringMatching(/^application\/json/), body: { broadcastId, recipients: 3, sendingNow: 1, scheduled: 1, skipped: 1 } });
    expect(stack.queue.messages.map((m) => [m.messageId, m.scheduledAt?.toISOString() ?? null]).sort()).toEqual([
      [`broadcast-${broadcastId}-customer-${ids.now}`, null],
      [`broadcast-${broadcastId}-customer-${ids.later}-at-${NEW_YORK_OPENS.getTime()}`, NEW_YORK_OPENS.toISOString()],
    ]);
    expect(stack.sandbox.sent).toEqual([]);

    await deliverDue();
    expect(stack.sandbox.sent).toEqual([expect.objectContaining({ to: '447770500101', text: TEXT, clientRef: `broadcast-${broadcastId}-customer-${ids.now}` })]);
    expect(stack.queue.messages).toHaveLength(1);

    expect(await notificationsOf(ids.now)).toEqual([
      expect.objectContaining({ notificationId: `broadcast-${broadcastId}-customer-${ids.now}`, jobId: null, event: 'broadcast', channel: 'sms', outcome: 'sent', scheduledFor: null }),
    ]);
    expect(await notificationsOf(ids.later)).toEqual([
      expect.objectContaining({ notificationId: `broadcast-${broadcastId}-customer-${ids.later}`, event: 'broadcast', channel: 'sms', outcome: 'scheduled', scheduledFor: NEW_YORK_OPENS.toISOString() }),
    ]);
    expect(await notificationsOf(ids.nobody)).toEqual([
      expect.objectContaining({ notificationId: `broadcast-${broadcastId}-customer-${ids.nobody}`, event: 'broadcast', channel: null, outcome: 'skipped', reason: 'not-subscribed' }),
    ]);
  });

  it('sends the scheduled SMS when the customer window opens, not before', async () => {
    clock.advance(NEW_YORK_OPENS.getTime() - clock.now().getTime() - 1);
    await deliverDue();
    expect(stack.sandbox.sent).toHaveLength(1);
    clock.advance(1);
    await deliverDue();
    expect(stack.sandbox.sent.map((sms) => [sms.to, sms.text, sms.clientRef])).toEqual([
      ['447770500101', TEXT, `broadcast-${broadcastId}-customer-${ids.now}`],
      ['447770500102', TEXT, `broadcast-${broadcastId}-customer-${ids.later}`],
    ]);
    expect(await notificationsOf(ids.later)).toEqual([expect.objectContaining({ outcome: 'sent' })]);
  });

  it('answers a repeat with the first counts and sends nothing more, however the ids are listed', async () => {
    const entries = await entriesOf(broadcastId);
    const before = await written();
    for (const customerIds of [request().customerIds, [...request().customerIds].reverse(), [...request().customerIds, ids.now]]) {
      // The scheduled customer is inside their window now: a recount would say sendingNow 2.
      expect(await broadcast({ broadcastId, text: TEXT, customerIds })).toMatchObject({ status: 202, body: { broadcastId, recipients: 3, sendingNow: 1, scheduled: 1, skipped: 1 } });
    }
    await deliverDue();
    expect(await written()).toEqual(before);
    expect(await entriesOf(broadcastId)).toEqual(entries);
  });

  it('refuses the same broadcastId with another text or other recipients with 409, writing nothing', async () => {
    const entries = await entriesOf(broadcastId);
    const before = await written();
    for (const body of [{ ...request(), text: 'Something else' }, { ...request(), customerIds: [ids.now, ids.later] }]) {
      const answer = await broadcast(body);
      expect(answer).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { status: 409, detail: expect.stringContaining(broadcastId) } });
    }
    await deliverDue();
    expect(await written()).toEqual(before);
    expect(await entriesOf(broadcastId)).toEqual(entries);
  });

  it('refuses unknown customers with 422 naming them, writing nothing, and leaves the broadcastId free', async () => {
    const id = randomUUID();
    const unknown = ids.nobody + 1000;
    const before = await written();
    const answer = await broadcast({ broadcastId: id, text: TEXT, customerIds: [ids.now, unknown, ids.later] });
    expect(answer).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { unknownCustomerIds: [unknown], detail: expect.stringContaining(String(unknown)) } });
    await deliverDue();
    expect(await written()).toEqual(before);
    expect(await entriesOf(id)).toEqual([]);

    expect(await broadcast({ broadcastId: id, text: TEXT, customerIds: [ids.nobody] })).toMatchObject({ status: 202, body: { broadcastId: id, recipients: 1, skipped: 1 } });
    expect(await entriesOf(id)).toEqual([expect.objectContaining({ customer_id: ids.nobody, state: 'skipped' })]);
  });

  describe('refuses a body of the wrong shape with 400, writing nothing', () => {
    const valid = () => ({ broadcastId: randomUUID(), text: TEXT, customerIds: [ids.now, ids.later] });
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['a broadcastId that is not a UUID', () => ({ ...valid(), broadcastId: 'summer-sale-1' }), /broadcastId must be a UUID/],
      ['no broadcastId', () => ({ text: TEXT, customerIds: [ids.now] }), /broadcastId/],
      ['empty text', () => ({ ...valid(), text: '' }), /text must not be empty/],
      ['text of spaces only', () => ({ ...valid(), text: '   ' }), /text must not be empty/],
      ['text longer than 6 SMS parts', () => ({ ...valid(), text: 'x'.repeat(919) }), /text must be at most 918 characters/],
      ['customerIds []', () => ({ ...valid(), customerIds: [] }), /customerIds must name at least one customer/],
      ['10,001 customerIds', () => ({ ...valid(), customerIds: Array.from({ length: 10_001 }, (_, i) => i + 1) }), /customerIds may name at most 10000 customers/],
      ['a fractional customer id', () => ({ ...valid(), customerIds: [ids.now, 1.5] }), /customerIds\.1/],
      ['a customer id as text', () => ({ ...valid(), customerIds: [String(ids.now)] }), /customerIds\.0/],
      ['customer id 0', () => ({ ...valid(), customerIds: [0] }), /customerIds\.0/],
      ['customerIds that are not a list', () => ({ ...valid(), customerIds: ids.now }), /customerIds must be a list of customer ids/],
      ['an extra member', () => ({ ...valid(), channel: 'sms' }), /channel/],
      ['an array', () => [valid()], /body/],
      ['malformed JSON', () => '{"broadcastId":', /not valid JSON/],
    ];
    it.each(cases)('%s', async (_case, body, detail) => {
      const before = await written();
      const answer = await broadcast(body());
      expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { status: 400, detail: expect.stringMatching(detail) } });
      await deliverDue();
      expect(await written()).toEqual(before);
    });
  });

  it('emails a customer subscribed to email once, and logs it sent', async () => {
    const id = randomUUID();
    const reader = await createCustomer({ name: 'Di Email', email: 'di@example.com', subscriptions: [{ channel: 'email' }] });
    expect(await broadcast({ broadcastId: id, text: TEXT, customerIds: [reader] })).toMatchObject({ status: 202, body: { recipients: 1, sendingNow: 1 } });
    await deliverDue();
    await deliverDue();
    expect(stack.mailSink.received.filter((mail) => mail.to.includes('di@example.com'))).toEqual([
      expect.objectContaining({ subject: 'A message from Repair Relay', text: expect.stringContaining(TEXT) }),
    ]);
    expect(await notificationsOf(reader)).toEqual([
      expect.objectContaining({ notificationId: `broadcast-${id}-customer-${reader}-email`, event: 'broadcast', channel: 'email', gateway: 'smtp', outcome: 'sent', attempts: 1 }),
    ]);
  });
});
