import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signVonageParams } from '../../src/adapters/vonage/webhookSignature.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { vonageInboundSmsHandler } from '../../src/functions/feedback/vonageInboundSms.js';
import { listInboxHandler } from '../../src/functions/inbox/listInbox.js';
import { updateInboxMessageHandler } from '../../src/functions/inbox/updateInboxMessage.js';
import { FakeClock } from '../kit/clock.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

const SECRET = 'inbox-signature-secret';
const SATURDAY_NIGHT = new Date('2026-11-28T22:30:00.000Z');
const SENDER = '447911123456';
/** The relay's clock: webhooks are signed at its time, since signatures are checked against it. */
const clock = new FakeClock(SATURDAY_NIGHT);

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

async function call(handler: Handler, init: ConstructorParameters<typeof HttpRequest>[0]) {
  const response = new HttpResponse(await handler(new HttpRequest(init), new InvocationContext({ functionName: 'test' })));
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const inboundSms = (messageId: string, text: string) =>
  call(vonageInboundSmsHandler, {
    url: 'http://localhost:7071/api/webhooks/vonage/inbound',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: { string: new URLSearchParams(signVonageParams({ msisdn: SENDER, to: 'RepairRelay', messageId, text, type: 'text' }, SECRET, clock.now().getTime() / 1000)).toString() },
  });

const getInbox = (query: string) => call(listInboxHandler, { url: `http://localhost:7071/api/inbox${query}`, method: 'GET' });

const patchInbox = (messageId: string, body: unknown) =>
  call(updateInboxMessageHandler, {
    url: `http://localhost:7071/api/inbox/${encodeURIComponent(messageId)}`,
    method: 'PATCH',
    params: { messageId },
    headers: { 'content-type': 'application/json' },
    body: { string: JSON.stringify(body) },
  });

/** The inbox over HTTP against MariaDB and the Vonage sandbox, with the business closed (Saturday night, open Mon-Fri 09:00-17:00). */
describe('the inbox and the after-hours auto-reply against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;

  async function sendQueued(): Promise<void> {
    for (const message of stack.queue.drain(new Date(8.64e15))) await relay.sendNotification(message.body);
  }

  async function inboxRows(): Promise<number> {
    const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM inbox_messages');
    return Number(row!.n);
  }

  beforeAll(async () => {
    stack = await startRealStack({ VONAGE_SIGNATURE_SECRET: SECRET, BUSINESS_HOURS: 'Mon-Fri 09:00-17:00' }, undefined, { clock });
    relay = stack.relay;
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('keeps messages from a stranger, answers the first at once with the next opening, and lets staff mark them handled', async () => {
    expect(await inboundSms('0B00000000000001', 'Hi, are you open tomorrow?')).toMatchObject({ status: 200, body: { status: 'kept' } });
    await sendQueued();
    expect(stack.sandbox.sent.map((sms) => ({ to: sms.to, text: sms.text }))).toEqual([
      { to: SENDER, text: "Thank you for your message. We're closed now and will reply on Mon 30 Nov from 09:00." },
    ]);
    expect(await inboundSms('0B00000000000002', 'Hello?')).toMatchObject({ status: 200, body: { status: 'kept' } });
    expect(await inboundSms('0B00000000000002', 'Hello?')).toMatchObject({ status: 200, body: { status: 'kept' } });
    await sendQueued();
    expect(stack.sandbox.sent).toHaveLength(1);

    const pending = await getInbox('?status=pending');
    expect(pending).toMatchObject({ status: 200 });
    expect(pending.body.messages).toEqual([
      expect.objectContaining({ messageId: '0B00000000000001', channel: 'sms', from: `+${SENDER}`, customerId: null, text: 'Hi, are you open tomorrow?', status: 'pending', handledAt: null, receivedAt: SATURDAY_NIGHT.toISOString() }),
      expect.objectContaining({ messageId: '0B00000000000002', text: 'Hello?', status: 'pending' }),
    ]);

    expect(await patchInbox('0B00000000000001', { status: 'handled' })).toMatchObject({ status: 200, body: { messageId: '0B00000000000001', status: 'handled', handledAt: SATURDAY_NIGHT.toISOString() } });
    expect((await getInbox('')).body.messages).toEqual([expect.objectContaining({ messageId: '0B00000000000002' })]);
    expect((await getInbox('?status=handled&limit=5')).body.messages).toEqual([expect.objectContaining({ messageId: '0B00000000000001' })]);
  });

  it('refuses bad queries and changes with 400 or 404 problems, and writes nothing', async () => {
    const before = await inboxRows();
    for (const query of ['?status=done', '?limit=0', '?limit=501', '?limit=two', '?order=asc']) {
      expect(await getInbox(query), query).toMatchObject({ status: 400, type: 'application/problem+json', body: { detail: expect.any(String) } });
    }
    for (const body of [{ status: 'closed' }, {}, { status: 'handled', note: 'x' }, 'handled']) {
      expect(await patchInbox('0B00000000000002', body), JSON.stringify(body)).toMatchObject({ status: 400, type: 'application/problem+json' });
    }
    expect(await patchInbox('does-not-exist', { status: 'handled' })).toMatchObject({ status: 404, type: 'application/problem+json', body: { detail: expect.stringContaining('does-not-exist') } });
    expect((await getInbox('?status=pending')).body.messages).toEqual([expect.objectContaining({ messageId: '0B00000000000002', status: 'pending' })]);
    expect(await inboxRows()).toBe(before);
  });
});
