import { describe, expect, it } from 'vitest';
import { recordInboundSms, replyText } from '../../../src/domain/feedback/recordReply.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, InjectedCrash } from '../../kit/crash.js';
import { closeJobIn, CUSTOMER_MSISDN, inbound, openedWorld, type WebhookWorld } from './helpers.js';

function snapshot(world: WebhookWorld) {
  return {
    rows: world.transactions.rows.length,
    writes: world.documents.writes,
    replies: JSON.stringify([...world.feedback.replies]),
  };
}

describe('customer replies to the feedback SMS', () => {
  it('stores the reply once with its score, on the job document and as one FEEDBACK job_trans row', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    world.clock.advance(60_000);

    const result = await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '  5 stars! Lovely job, call me on 07770 123456 ' }));

    expect(result).toEqual({ outcome: 'recorded', jobId: 1, score: 5 });
    const text = '5 stars! Lovely job, call me on 07770 123456';
    const [customer] = world.customers.rows.values();
    expect(await world.feedback.forJob(1)).toEqual([
      { inboundMessageId: 'in-1', jobId: 1, customerId: customer!.customerId, score: 5, text, receivedAt: world.clock.now() },
    ]);
    expect(world.documents.docs.get('1')?.feedback).toEqual({ score: 5, text, at: world.clock.now().toISOString() });
    const row = world.transactions.rows.at(-1)!;
    expect(row).toMatchObject({ jobId: 1, status: 'CLOSED', event: 'FEEDBACK', eventKey: 'feedback-in-1', note: 'Customer feedback: score 5' });
    expect(row.note).not.toContain('Lovely');
  });

  it('changes nothing when the same inbound message arrives again, even with other text', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '4' }));
    const before = snapshot(world);
    world.clock.advance(60_000);

    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '1' }))).toEqual({ outcome: 'duplicate', jobId: 1, score: 4 });
    expect(snapshot(world)).toEqual(before);
  });

  it('keeps a message from a number it sent no feedback SMS to in the inbox, not as feedback, and logs the number masked', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    const before = snapshot(world);

    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-9', msisdn: '447700900123', text: '5' }))).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(snapshot(world)).toEqual(before);
    expect([...world.inbox.rows.keys()]).toEqual(['in-9']);
    const line = world.logger.lines.find((l) => l.message.includes('kept in the inbox'));
    expect(line?.fields).toEqual({ from: '***123', messageId: 'in-9', autoReply: 'none' });
    expect(JSON.stringify(world.logger.lines)).not.toContain('447700900123');
  });

  it('does not take a reply to the courtesy SMS as feedback', async () => {
    const world = await openedWorld();
    const before = snapshot(world);
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-2', text: 'thanks 5' }))).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(snapshot(world)).toEqual(before);
  });

  it('does not match a feedback SMS that was never sent', async () => {
    const world = await openedWorld();
    // The completion notice goes out; the feedback SMS is refused.
    world.gateway.reply({ outcome: 'accepted', providerMessageId: 'vonage-2' }, { outcome: 'rejected', errorCode: '7', detail: 'Number barred' });
    await closeJobIn(world, 1);
    expect(world.notificationLog.entries.get('job-1-closed')?.state).toBe('rejected');
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-3', text: '5' }))).toEqual({ outcome: 'kept', autoReply: 'none' });
  });

  it('matches the sender with or without a leading +, and ignores an unusable sender', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-4', msisdn: `+${CUSTOMER_MSISDN}`, text: '3' }))).toMatchObject({ outcome: 'recorded' });
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-5', msisdn: 'VONAGE', text: '3' }))).toEqual({ outcome: 'kept', autoReply: 'none' });
  });

  it('gives the reply to the most recent feedback SMS sent to that number', async () => {
    const world = await openedWorld([clientJob(1), clientJob(2)]);
    await closeJobIn(world, 2);
    world.clock.advance(60_000);
    await closeJobIn(world, 1);
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-6', text: '2' }))).toEqual({ outcome: 'recorded', jobId: 1, score: 2 });
  });

  it('keeps the latest reply on the document and every reply in the feedback store', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-7', text: '3' }));
    world.clock.advance(60_000);
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-8', text: '4 - thought about it, better than I said' }));

    expect(world.documents.docs.get('1')?.feedback).toMatchObject({ score: 4, text: '4 - thought about it, better than I said' });
    expect((await world.feedback.forJob(1)).map((r) => r.score)).toEqual([3, 4]);
    expect(world.transactions.rows.filter((r) => r.event === 'FEEDBACK').map((r) => r.note)).toEqual(['Customer feedback: score 3', 'Customer feedback: score 4']);
  });

  it('keeps a question sent right after the feedback request in the inbox, about that job, and stores no feedback for it', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    world.clock.advance(60_000);
    const before = snapshot(world);
    const [customer] = world.customers.rows.values();

    for (const [messageId, text] of [['in-q', 'When will my washer be ready?'], ['in-r', 'Thanks, see you soon'], ['in-s', 'Good']]) {
      expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: messageId!, text: text! }))).toEqual({ outcome: 'kept', autoReply: 'none' });
    }
    expect(snapshot(world)).toEqual(before);
    expect(await world.feedback.list({ limit: 10 })).toEqual([]);
    expect([...world.inbox.rows.values()].map((m) => [m.messageId, m.jobId, m.customerId])).toEqual([
      ['in-q', 1, customer!.customerId],
      ['in-r', 1, customer!.customerId],
      ['in-s', 1, customer!.customerId],
    ]);
  });

  it('publishes the stored reply, not its own copy, when a concurrent delivery of the same message stored it first', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    let gets = 0;
    const first = { inboundMessageId: 'in-11', jobId: 1, customerId: null, score: 4, text: 'four', receivedAt: world.clock.now() };
    const racing = Object.create(world.feedback, {
      // the first look finds nothing: the other delivery stores its reply just after it
      get: { value: async (id: string) => (gets++ === 0 ? undefined : world.feedback.get(id)) },
      record: { value: async (reply: typeof first) => (await world.feedback.record(first), world.feedback.record(reply)) },
    });
    world.clock.advance(1000);
    const result = await recordInboundSms(world.inboundWith({ feedback: racing }), inbound({ messageId: 'in-11', text: '2' }));
    expect(result).toEqual({ outcome: 'duplicate', jobId: 1, score: 4 });
    expect(world.documents.docs.get('1')?.feedback).toMatchObject({ score: 4, text: 'four' });
  });

  it('finishes the document and job_trans when Vonage retries a reply whose first delivery crashed after storing it', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    const sms = inbound({ messageId: 'in-10', text: '5' });
    await expect(recordInboundSms(world.inboundWith({ feedback: crashAfter(world.feedback, 'record') }), sms)).rejects.toBeInstanceOf(InjectedCrash);
    expect(world.documents.docs.get('1')?.feedback).toBeUndefined();

    expect(await recordInboundSms(world.inboundDeps, sms)).toEqual({ outcome: 'duplicate', jobId: 1, score: 5 });
    expect(world.documents.docs.get('1')?.feedback).toMatchObject({ score: 5 });
    expect(world.transactions.rows.filter((r) => r.eventKey === 'feedback-in-10')).toHaveLength(1);
  });
});

describe('the text of a reply', () => {
  it('keeps the text trimmed and at most 640 characters, counting an emoji as one', () => {
    expect(replyText('  ok \n')).toBe('ok');
    const long = `${'😀'.repeat(700)}`;
    expect(Array.from(replyText(long))).toHaveLength(640);
    expect(replyText(long).endsWith('😀')).toBe(true);
  });
});

describe('STOP', () => {
  it.each(['STOP', ' stop ', 'Stop'])('"%s" unsubscribes the sender\'s customer from sms, stores no feedback, logs no number', async (text) => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    const [customer] = world.customers.rows.values();
    const before = snapshot(world);

    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-stop', text }))).toEqual({ outcome: 'unsubscribed', customerId: customer!.customerId, channels: ['sms'] });
    expect(world.customers.rows.get(customer!.customerId)?.subscriptions).toEqual([]);
    expect(snapshot(world)).toEqual(before);
    expect(JSON.stringify(world.logger.lines)).not.toContain(CUSTOMER_MSISDN);
    // Vonage resends: still acknowledged, nothing more changes.
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-stop', text }))).toMatchObject({ outcome: 'unsubscribed' });
  });

  it('STOP on WhatsApp unsubscribes WhatsApp, not only sms', async () => {
    const world = await openedWorld();
    await world.customers.change(1, (current) => ({ ok: true, value: { ...current, subscriptions: [{ channel: 'sms', address: null }, { channel: 'whatsapp', address: null }] } }));
    await recordInboundSms(world.inboundDeps, { messageId: 'wa-stop', from: CUSTOMER_MSISDN, text: 'STOP', channel: 'whatsapp' });
    expect(world.customers.rows.get(1)?.subscriptions.map((s) => s.channel)).toEqual(['sms']);
  });

  it('acknowledges a STOP from a number no customer has, and keeps "STOP please" for staff', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', msisdn: '447770999999', text: 'STOP' }))).toEqual({ outcome: 'unknown-sender' });
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-2', text: 'STOP please' }))).toMatchObject({ outcome: 'kept' });
    expect([...world.customers.rows.values()][0]?.subscriptions).toEqual([{ channel: 'sms', address: null }]);
  });
});
