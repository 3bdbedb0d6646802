import { describe, expect, it } from 'vitest';
import { recordInboundSms } from '../../../src/domain/feedback/recordReply.js';
import { FEEDBACK_REPLY_MS } from '../../../src/domain/feedback/feedbackReplies.js';
import { listInbox, setInboxStatus } from '../../../src/domain/inbox/inbox.js';
import { listNotifications } from '../../../src/domain/notifications/deliveryLog.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import type { FakeClock } from '../../kit/clock.js';
import { calendarOf } from '../../support/world.js';
import { closeJobIn, CUSTOMER_MSISDN, inbound, openedWorld, type WebhookWorld } from './helpers.js';

const SATURDAY_NIGHT = new Date('2026-11-28T22:30:00.000Z');
const MONDAY_OPENING = new Date('2026-11-30T09:00:00.000Z');
const MONDAY_NIGHT = new Date('2026-11-30T20:00:00.000Z');
const CLOSED_REPLY = "Thank you for your message. We're closed now and will reply on Mon 30 Nov from 09:00.";

/** A business open Mon-Fri 09:00-17:00 in London whose customer (job 1's) has had their courtesy SMS. */
async function inboxWorld() {
  const world = await openedWorld();
  world.appDeps.calendar = calendarOf('Mon-Fri 09:00-17:00');
  world.inboundDeps.calendar = world.appDeps.calendar;
  return world;
}

function at(world: WebhookWorld, instant: Date): void {
  (world.clock as FakeClock).advance(instant.getTime() - world.clock.now().getTime());
}

const receive = (world: WebhookWorld, messageId: string, text = 'Is my phone ready?', msisdn = CUSTOMER_MSISDN) =>
  recordInboundSms(world.inboundDeps, inbound({ messageId, text, msisdn }));

describe('the inbox and the after-hours auto-reply', () => {
  it('keeps a message that arrives in business hours for staff, and sends no auto-reply', async () => {
    const world = await inboxWorld();
    const smsBefore = world.gateway.sent.length;
    expect(await receive(world, 'in-1')).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(await listInbox(world.inboundDeps, 'pending', 10)).toEqual([
      { messageId: 'in-1', channel: 'sms', from: `+${CUSTOMER_MSISDN}`, customerId: 1, jobId: null, text: 'Is my phone ready?', receivedAt: world.clock.now(), status: 'pending', handledAt: null, autoReplyKey: null },
    ]);
    expect(await world.deliverDue()).toEqual([]);
    expect(world.gateway.sent).toHaveLength(smsBefore);
  });

  it('answers a message outside business hours at once, naming the next opening, once per customer per closed period', async () => {
    const world = await inboxWorld();
    const smsBefore = world.gateway.sent.length;
    at(world, SATURDAY_NIGHT);
    expect(await receive(world, 'in-1')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent.slice(smsBefore)).toEqual([expect.objectContaining({ to: `+${CUSTOMER_MSISDN}`, text: CLOSED_REPLY })]);

    // Sunday: the same closed period, so the customer's second message gets no second auto-reply; nor does a redelivery.
    at(world, new Date('2026-11-29T12:00:00.000Z'));
    expect(await receive(world, 'in-2', 'Hello?')).toEqual({ outcome: 'kept', autoReply: 'already-answered' });
    expect(await receive(world, 'in-1')).toEqual({ outcome: 'kept', autoReply: 'already-answered' });
    expect(await world.deliverDue()).toEqual([]);
    expect(world.gateway.sent).toHaveLength(smsBefore + 1);
    expect((await listInbox(world.inboundDeps, 'pending', 10)).map((m) => [m.messageId, m.autoReplyKey])).toEqual([
      ['in-1', 'auto-reply-2026-11-30T09:00:00.000Z-customer-1'],
      ['in-2', 'auto-reply-2026-11-30T09:00:00.000Z-customer-1'],
    ]);
    expect(await listNotifications(world, { customerId: 1, limit: 10 })).toContainEqual(
      expect.objectContaining({ notificationId: 'auto-reply-2026-11-30T09:00:00.000Z-customer-1', jobId: null, event: 'auto-reply', outcome: 'sent' }),
    );

    // Open on Monday: kept, no auto-reply. Closed again on Monday night: a new period, a new auto-reply.
    at(world, MONDAY_OPENING);
    expect(await receive(world, 'in-3')).toEqual({ outcome: 'kept', autoReply: 'none' });
    at(world, MONDAY_NIGHT);
    expect(await receive(world, 'in-4')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent.at(-1)?.text).toBe("Thank you for your message. We're closed now and will reply on Tue 1 Dec from 09:00.");
  });

  it('takes a message as feedback within 14 days of the feedback request, and keeps a later one in the inbox', async () => {
    const world = await inboxWorld();
    await closeJobIn(world, 1);
    world.clock.advance(FEEDBACK_REPLY_MS);
    expect(await receive(world, 'in-1', '5 thanks')).toMatchObject({ outcome: 'recorded', jobId: 1, score: 5 });
    world.clock.advance(1);
    expect(await receive(world, 'in-2', 'My screen cracked again, can you fix it?')).toMatchObject({ outcome: 'kept' });
    expect((await listInbox(world.inboundDeps, 'pending', 10)).map((m) => m.messageId)).toEqual(['in-2']);
    expect(world.feedback.replies.has('in-2')).toBe(false);
  });

  it('answers at once even when the customer’s own contact hours would put a message off', async () => {
    const world = await inboxWorld();
    await world.customers.change(1, (current) => ({ ok: true, value: { ...current, timezone: 'Asia/Tokyo', contactHours: [{ days: ['Mon'], from: '09:00', to: '10:00' }] } }));
    at(world, SATURDAY_NIGHT);
    await receive(world, 'in-1');
    expect(await world.deliverDue()).toEqual(['sent']);
  });

  it('answers a number no customer has once a day, keyed by its lookup key rather than the number', async () => {
    const world = await inboxWorld();
    at(world, SATURDAY_NIGHT);
    expect(await receive(world, 'in-1', 'hi', '447911123456')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await receive(world, 'in-2', 'hi again', '447911123456')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(await receive(world, 'in-3', 'anyone?', '447911123456')).toEqual({ outcome: 'kept', autoReply: 'already-answered' });
    const [kept] = await listInbox(world.inboundDeps, 'pending', 1);
    expect(kept).toMatchObject({ customerId: null, from: '+447911123456' });
    expect(kept!.autoReplyKey).toMatch(/^auto-reply-2026-11-28-number-[0-9a-f]{24}$/);
    expect(kept!.autoReplyKey).not.toContain('447911123456');
  });

  it('answers a number no customer has at most once a day, however many closed periods the day has', async () => {
    const world = await inboxWorld();
    world.inboundDeps.calendar = calendarOf('Mon-Fri 09:00-12:00,13:00-17:00');
    at(world, new Date('2026-11-30T12:30:00.000Z')); // Monday lunch: closed
    expect(await receive(world, 'in-1', 'hi', '447911123456')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    at(world, new Date('2026-11-30T18:00:00.000Z')); // Monday evening: another closed period, the same day
    expect(await receive(world, 'in-2', 'hi again', '447911123456')).toEqual({ outcome: 'kept', autoReply: 'already-answered' });
    expect(await world.deliverDue()).toEqual([]);
  });

  it.each([
    ['a foreign mobile (US)', '12025550123'],
    ['a foreign mobile (Sierra Leone, a toll-fraud favourite)', '23276123456'],
    ['a UK premium-rate number', '449098790000'],
    ['a UK landline', '442079460018'],
  ])('never answers %s, but keeps the message', async (_what, msisdn) => {
    const world = await inboxWorld();
    at(world, SATURDAY_NIGHT);
    expect(await receive(world, 'in-1', 'hi', msisdn)).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(await listInbox(world.inboundDeps, 'pending', 10)).toEqual([expect.objectContaining({ messageId: 'in-1', autoReplyKey: null })]);
    expect(await world.deliverDue()).toEqual([]);
  });

  it('answers a mobile of another country the business serves (AUTO_REPLY_COUNTRY_CODES)', async () => {
    const world = await inboxWorld();
    world.inboundDeps.autoReplyCountryCodes = ['44', '353'];
    at(world, SATURDAY_NIGHT);
    expect(await receive(world, 'in-1', 'hi', '353851234567')).toEqual({ outcome: 'kept', autoReply: 'queued' });
  });

  it('answers a WhatsApp message on WhatsApp', async () => {
    const world = await inboxWorld();
    at(world, SATURDAY_NIGHT);
    expect(await recordInboundSms(world.inboundDeps, { messageId: 'wa-1', from: CUSTOMER_MSISDN, text: 'Hi', channel: 'whatsapp' })).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.messagesGateway.sent).toEqual([expect.objectContaining({ channel: 'whatsapp', to: `+${CUSTOMER_MSISDN}`, text: CLOSED_REPLY })]);
  });

  it('cannot answer an alphanumeric sender, but keeps the message', async () => {
    const world = await inboxWorld();
    at(world, SATURDAY_NIGHT);
    expect(await receive(world, 'in-1', 'Your code is 1234', 'VONAGE')).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(await listInbox(world.inboundDeps, 'pending', 10)).toEqual([expect.objectContaining({ from: 'VONAGE', customerId: null, autoReplyKey: null })]);
  });

  it('repairs a crash between keeping the message and queueing the auto-reply when the provider resends it', async () => {
    const world = await inboxWorld();
    at(world, SATURDAY_NIGHT);
    const crashing = world.inboundWith({ notificationLog: crashAfter(world.notificationLog, 'register') });
    await expect(recordInboundSms(crashing, inbound({ messageId: 'in-1', text: 'hello' }))).rejects.toSatisfy(isInjectedCrash);
    expect(world.queue.messages).toHaveLength(0);
    at(world, new Date(SATURDAY_NIGHT.getTime() + 60_000));
    expect(await receive(world, 'in-1', 'hello')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await receive(world, 'in-1', 'hello')).toEqual({ outcome: 'kept', autoReply: 'queued' });
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.inbox.rows.size).toBe(1);
  });

  it('lets staff mark a message handled, and back to pending; the first handled time sticks', async () => {
    const world = await inboxWorld();
    await receive(world, 'in-1');
    world.clock.advance(60_000);
    await receive(world, 'in-2');
    world.clock.advance(60_000);
    const handledAt = world.clock.now();
    expect(await setInboxStatus(world.inboundDeps, 'in-1', 'handled')).toMatchObject({ status: 'handled', handledAt });
    world.clock.advance(60_000);
    expect(await setInboxStatus(world.inboundDeps, 'in-1', 'handled')).toMatchObject({ status: 'handled', handledAt });
    expect((await listInbox(world.inboundDeps, 'pending', 10)).map((m) => m.messageId)).toEqual(['in-2']);
    expect((await listInbox(world.inboundDeps, 'handled', 10)).map((m) => m.messageId)).toEqual(['in-1']);
    expect(await setInboxStatus(world.inboundDeps, 'in-1', 'pending')).toMatchObject({ status: 'pending', handledAt: null });
    expect(await setInboxStatus(world.inboundDeps, 'missing', 'handled')).toBeUndefined();
  });
});
