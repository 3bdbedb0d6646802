import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localDeadLetters, LocalQueue } from '../../dev/serviceBus.js';
import { type Relay } from '../../src/compositionRoot.js';
import { listFailuresHandler, replayFailuresHandler } from '../../src/functions/console/consoleFailures.js';
import { listConsoleInboxHandler, markInboxHandledHandler, replyToInboxHandler } from '../../src/functions/console/consoleInbox.js';
import { consoleJobHandler } from '../../src/functions/console/consoleJobs.js';
import { listConsoleMessagesHandler, resendConsoleMessageHandler } from '../../src/functions/console/consoleMessages.js';
import { provideRelay } from '../../src/processRelay.js';
import { insertClientJobs } from '../kit/mysql.js';
import { callConsole as call, CONSOLE_HEADERS } from '../support/console.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

/** The console's actions (resend, reply, handled, replay) against the real stack: each goes through the one pipeline and is audited on the job. */
describe('staff console actions against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;
  const deadLetterQueue = new LocalQueue('sms-outbound', { maxDeliveryCount: 1 });

  async function sendQueued(): Promise<void> {
    for (const message of stack.queue.drain(new Date(8.64e15))) await relay.sendNotification(message.body);
  }
  const ids = (list: Array<{ notificationId: string }>) => list.map((message) => message.notificationId);

  beforeAll(async () => {
    stack = await startRealStack({ WEBSITE_AUTH_ENABLED: 'True' }, undefined, { deadLetters: localDeadLetters(deadLetterQueue) });
    relay = stack.relay;
    provideRelay(async () => relay);
    await insertClientJobs(stack.client.pool, [
      { id: 301, firstName: 'Cat', mobile: '07770 300301', productType: 'radio' },
      { id: 302, firstName: 'Dan', mobile: '07770 300302', productType: 'drill' },
    ]);
    await relay.pollClientJobs();
    await sendQueued();
    // The courtesy SMS of job 302 failed for good (as a provider that refused every attempt leaves it).
    await stack.ledger.pool.query("UPDATE notification_log SET state = 'failed', reason = 'provider-error', detail = 'gateway down', settled_at = UTC_TIMESTAMP(3) WHERE message_key = 'job-302-received'");
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('lists the delivery log newest first with each filter, by key-range pages', async () => {
    const all = await call(listConsoleMessagesHandler, 'staff/messages');
    expect(all.status).toBe(200);
    expect(ids(all.body.messages)).toEqual(['job-302-received', 'job-301-received']);
    expect(all.body.messages[1]).toMatchObject({ jobId: 301, customerName: 'Cat Bloggs', event: 'job-received', channel: 'sms', gateway: 'vonage-sms', outcome: 'sent', attempts: 1, reasonText: null });
    expect(all.body.messages[1].text).toContain('we have received your radio');
    expect(all.body.messages[0]).toMatchObject({ outcome: 'failed', reason: 'provider-error', reasonText: 'every attempt failed (gateway down)' });

    const page = await call(listConsoleMessagesHandler, 'staff/messages?limit=1');
    expect(ids(page.body.messages)).toEqual(['job-302-received']);
    expect(ids((await call(listConsoleMessagesHandler, `staff/messages?limit=1&cursor=${page.body.nextCursor}`)).body.messages)).toEqual(['job-301-received']);

    const only = async (query: string) => ids((await call(listConsoleMessagesHandler, `staff/messages?${query}`)).body.messages);
    expect(await only('outcome=failed')).toEqual(['job-302-received']);
    expect(await only('outcome=sent')).toEqual(['job-301-received']);
    expect(await only('channel=sms&gateway=vonage-sms')).toEqual(['job-302-received', 'job-301-received']);
    expect(await only('channel=email')).toEqual([]);
    expect(await only('jobId=301')).toEqual(['job-301-received']);
    const today = new Date().toISOString().slice(0, 10);
    expect(await only(`from=${today}&to=${today}`)).toHaveLength(2);
    expect(await only('to=2020-01-01')).toEqual([]);
    for (const bad of ['outcome=lost', 'from=yesterday', 'customerId=0', 'page=2']) expect((await call(listConsoleMessagesHandler, `staff/messages?${bad}`)).status).toBe(400);
  });

  it('resends a failed message once as a new notification through the pipeline, refusing a second copy', async () => {
    const resend = (id: string, headers: Record<string, string> = CONSOLE_HEADERS) =>
      call(resendConsoleMessageHandler, `staff/messages/${id}/resend`, { method: 'POST', params: { notificationId: id }, headers });
    const job302Sms = () => stack.sandbox.sent.filter((sms) => sms.text.includes('job 302')).length;
    const before = job302Sms();
    expect((await resend('job-302-received', {})).status).toBe(403);
    expect(await resend('job-302-received')).toMatchObject({ status: 202, body: { notificationId: 'job-302-received-resend-1' } });
    expect(await resend('job-302-received')).toMatchObject({ status: 409, body: { detail: expect.stringContaining('job-302-received-resend-1 already resends it') } });
    await sendQueued();
    expect(job302Sms()).toBe(before + 1);
    expect(await resend('job-302-received')).toMatchObject({ status: 409 });
    expect(await resend('job-301-received')).toMatchObject({ status: 409, body: { detail: 'only a failed or skipped message can be resent; job-301-received is sent' } });
    expect(await resend('job-999-received')).toMatchObject({ status: 404 });

    const view = await call(consoleJobHandler, 'staff/jobs/302', { params: { jobId: '302' } });
    expect(view.body.timeline.filter((entry: { kind: string }) => entry.kind === 'staff-action')).toEqual([
      expect.objectContaining({ action: 'resend', actor: 'Sam Staff', target: 'job-302-received' }),
    ]);
    expect(view.body.timeline.filter((entry: { kind: string }) => entry.kind === 'notification').map((entry: { outcome: string }) => entry.outcome)).toEqual(['failed', 'sent']);
  });

  it('lists the inbox with the customer and their open jobs, replies at once through their channel, and files the message', async () => {
    await stack.ledger.pool.query(
      `INSERT INTO inbox_messages (message_id, channel, sender, customer_id, Job_id, text, received_at, status)
       SELECT 'IN-1', 'sms', '+447770300301', customer_id, 301, 'Is my radio ready?', UTC_TIMESTAMP(3), 'pending' FROM customers WHERE mobile_e164 = '+447770300301'`,
    );
    const inbox = await call(listConsoleInboxHandler, 'staff/inbox?status=pending');
    expect(inbox.body).toMatchObject({
      messages: [{ messageId: 'IN-1', channel: 'sms', customer: { name: 'Cat Bloggs', mobileLast4: '0301' }, senderMasked: '***301', text: 'Is my radio ready?', status: 'pending', jobId: 301, openJobs: [{ jobId: 301, status: 'OPENED' }] }],
      nextCursor: null,
    });

    const reply = (text: string) => call(replyToInboxHandler, 'inbox/IN-1/reply', { method: 'POST', params: { messageId: 'IN-1' }, headers: CONSOLE_HEADERS, body: { text } });
    const answered = await reply('Yes, collect it any time.');
    expect(answered).toMatchObject({ status: 202, body: { channel: 'sms', heldByContactHours: false, note: expect.stringContaining('not held by contact hours') } });
    expect((await reply('Yes, collect it any time.')).body.notificationId).toBe(answered.body.notificationId);
    expect((await reply('')).status).toBe(400);
    await sendQueued();
    expect(stack.sandbox.sent.filter((sms) => sms.text === 'Yes, collect it any time.')).toHaveLength(1);
    expect((await call(listConsoleMessagesHandler, 'staff/messages?outcome=sent')).body.messages[0]).toMatchObject({ event: 'staff-reply', text: 'Yes, collect it any time.' });

    const handled = await call(markInboxHandledHandler, 'staff/inbox/IN-1/handled', { method: 'POST', params: { messageId: 'IN-1' }, headers: CONSOLE_HEADERS });
    expect(handled).toMatchObject({ status: 200, body: { messageId: 'IN-1', status: 'handled', customer: { name: 'Cat Bloggs' } } });
    expect((await call(listConsoleInboxHandler, 'staff/inbox?status=pending')).body.messages).toEqual([]);
    expect((await call(markInboxHandledHandler, 'staff/inbox/IN-9/handled', { method: 'POST', params: { messageId: 'IN-9' }, headers: CONSOLE_HEADERS })).status).toBe(404);

    const view = await call(consoleJobHandler, 'staff/jobs/301', { params: { jobId: '301' } });
    const shown = view.body.timeline.filter((entry: { kind: string }) => entry.kind === 'staff-action' || entry.kind === 'inbound');
    expect(shown.map((entry: { kind: string; action?: string }) => entry.action ?? entry.kind)).toEqual(['inbound', 'reply', 'reply', 'handled']);
  });

  it('lists dead letters and replays the one asked for through the dead-letter use case, audited', async () => {
    deadLetterQueue.send([{ messageId: 'job-301-received-requeue-1', body: { notificationId: 'job-301-received', channel: 'sms', event: 'job-received', jobId: 301, customerId: null, to: '+447770300301', text: 'hi' } }]);
    const subscription = deadLetterQueue.subscribe(async () => {
      throw new Error('database unreachable');
    });
    await expect.poll(() => deadLetterQueue.deadLetters.length, { timeout: 5_000 }).toBe(1);
    await subscription.close();

    const failures = await call(listFailuresHandler, 'staff/failures?q=301');
    expect(failures).toMatchObject({ status: 200, body: { deadLetters: [{ notificationId: 'job-301-received', jobId: 301, channel: 'sms', reason: expect.stringContaining('MaxDeliveryCountExceeded') }], unknown: [] } });
    expect((await call(listFailuresHandler, 'staff/failures?q=nothing-like-it')).body.deadLetters).toEqual([]);
    const sequenceNumber = failures.body.deadLetters[0].sequenceNumber as string;
    const replay = (body: unknown) => call(replayFailuresHandler, 'staff/failures/replay', { method: 'POST', headers: CONSOLE_HEADERS, body });
    expect(await replay({ sequenceNumbers: ['999999'] })).toMatchObject({ status: 200, body: { replayed: 0 } });
    expect(await replay({ sequenceNumbers: [sequenceNumber] })).toMatchObject({ status: 200, body: { replayed: 1 } });
    expect(await replay({ sequenceNumbers: 'all' })).toMatchObject({ status: 400 });
    expect(deadLetterQueue.deadLetters).toHaveLength(0);
    const view = await call(consoleJobHandler, 'staff/jobs/301', { params: { jobId: '301' } });
    expect(view.body.timeline.filter((entry: { action?: string }) => entry.action === 'replay')).toHaveLength(1);
  });
});
