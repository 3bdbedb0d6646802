import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signVonageMessagesWebhook, verifyVonageMessagesJwt } from '../../src/adapters/signatures/vonageMessagesSignature.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { messagesStatusSchema } from '../../src/functions/http/vonageMessagesSchemas.js';
import { MESSAGES_RECEIPT_STATUSES } from '../../src/functions/http/vonageReceiptStatuses.js';
import { deliveryStatusWord } from '../../src/domain/notifications/deliveryOutcome.js';
import '../../src/functions/feedback/vonageMessagesInbound.js';
import '../../src/functions/notifications/vonageMessagesStatus.js';
import { callHttpFunction } from '../support/http.js';
import { clientStatus, insertClientJobs, jobTransRows } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

const SECRET = 'messages-signature-secret';
const now = () => Date.now() / 1000;

const post = (name: 'vonageMessagesStatus' | 'vonageMessagesInbound', body: string, authorization?: string) =>
  callHttpFunction(name, 'POST', { body, headers: authorization === undefined ? {} : { authorization } });
const signed = (name: 'vonageMessagesStatus' | 'vonageMessagesInbound', payload: unknown, at = now()) => {
  const body = JSON.stringify(payload);
  return post(name, body, `Bearer ${signVonageMessagesWebhook(body, SECRET, at)}`);
};

const status = (overrides: Record<string, unknown> = {}) => ({
  message_uuid: randomUUID(),
  to: '447770123456',
  from: 'RepairRelay',
  timestamp: '2026-11-23T09:10:11.000Z',
  status: 'delivered',
  channel: 'sms',
  usage: { currency: 'EUR', price: '0.0333' },
  ...overrides,
});

describe('Messages API webhook signature (JWT, HS256 over payload_hash)', () => {
  const body = Buffer.from('{"message_uuid":"x"}');
  const at = 1_800_000_000;
  const token = signVonageMessagesWebhook(body, SECRET, at);

  it('accepts a token signed with the secret over this body within 300 s', () => {
    expect(verifyVonageMessagesJwt(`Bearer ${token}`, body, SECRET, at + 299)).toEqual({ ok: true });
  });

  it('accepts a token whose exp is still ahead', () => {
    expect(verifyVonageMessagesJwt(`Bearer ${signVonageMessagesWebhook(body, SECRET, at, { exp: at + 60 })}`, body, SECRET, at + 59)).toEqual({ ok: true });
  });

  it.each([
    ['no header', null, body, at, /not signed/],
    ['another scheme', `Basic ${token}`, body, at, /not signed/],
    ['not a JWT', 'Bearer abc.def', body, at, /not a JWT/],
    ['another secret', `Bearer ${signVonageMessagesWebhook(body, 'other-secret', at)}`, body, at, /signature does not match/],
    ['a changed body', `Bearer ${token}`, Buffer.from('{"message_uuid":"y"}'), at, /payload_hash does not match/],
    ['a stale token', `Bearer ${token}`, body, at + 301, /iat is more than 300 s/],
    ['a token from the future', `Bearer ${token}`, body, at - 301, /iat is more than 300 s/],
    ['no iat', `Bearer ${signVonageMessagesWebhook(body, SECRET, at, { iat: undefined })}`, body, at, /must carry iat/],
    ['an expired token inside the iat window', `Bearer ${signVonageMessagesWebhook(body, SECRET, at, { exp: at + 60 })}`, body, at + 60, /expired/],
    ['an exp that is not a number', `Bearer ${signVonageMessagesWebhook(body, SECRET, at, { exp: 'never' })}`, body, at, /exp claim must be a number/],
  ])('refuses %s', (_what, header, checked, nowSeconds, detail) => {
    const result = verifyVonageMessagesJwt(header, checked, SECRET, nowSeconds);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail).toMatch(detail);
  });

  it('refuses alg none and a signature stripped off', () => {
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(verifyVonageMessagesJwt(`Bearer ${none}`, body, SECRET, at)).toMatchObject({ ok: false, detail: /HS256/ });
    expect(verifyVonageMessagesJwt(`Bearer ${token.replace(/\.[^.]+$/, '.')}`, body, SECRET, at)).toMatchObject({ ok: false, detail: /signature/ });
  });
});

describe('Messages API status values', () => {
  it('maps every Messages status onto the outcome an SMS delivery status records', () => {
    const recordedAs = Object.fromEntries(Object.entries(MESSAGES_RECEIPT_STATUSES).map(([status, outcome]) => [status, deliveryStatusWord(outcome)]));
    expect(recordedAs).toEqual({ submitted: 'accepted', delivered: 'delivered', read: 'delivered', rejected: 'rejected', undeliverable: 'failed' });
  });

  it('takes the error code from the title, else from the type URL, and the price to 3 decimals', () => {
    const parse = (error: unknown) => messagesStatusSchema.parse(status({ status: 'rejected', error }));
    expect(parse({ type: 'https://developer.vonage.com/api-errors/messages#1320', title: '1320', detail: 'x' }).errorCode).toBe('1320');
    expect(parse({ type: 'https://developer.vonage.com/api-errors/messages#1420', title: 'Invalid sender' }).errorCode).toBe('1420');
    expect(parse({ title: 1000 }).errorCode).toBe('1000');
    expect(parse(undefined)).toEqual(expect.objectContaining({ errorCode: null, price: '0.033', reportedAt: new Date('2026-11-23T09:10:11Z') }));
    expect(parse(undefined)).not.toHaveProperty('apiKey');
  });
});

/** The two webhooks through their function files, over the composition root's relay, MariaDB and Cosmos. */
describe('Messages API webhooks against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;

  const sendQueued = async () => {
    for (const message of stack.queue.drain(new Date())) await relay.sendNotification(message.body);
  };
  const delivery = async (messageKey: string) => {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT delivery_status, delivery_error_code, delivered_at FROM notification_log WHERE message_key = ?', [messageKey]);
    return rows[0];
  };
  const feedbackRows = async () => (await stack.ledger.pool.query<RowDataPacket[]>('SELECT * FROM feedback ORDER BY received_at'))[0];

  beforeAll(async () => {
    stack = await startRealStack({ VONAGE_SIGNATURE_SECRET: SECRET });
    ({ relay } = stack);
    await insertClientJobs(stack.client.pool, [{ id: 1 }, { id: 2 }]);
    await relay.pollClientJobs();
    await sendQueued();
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('records a signed "delivered" status found by client_ref, once', async () => {
    const payload = status({ client_ref: 'job-1-received' });
    expect(await signed('vonageMessagesStatus', payload)).toMatchObject({ status: 200, body: { messageId: payload.message_uuid, status: 'recorded' } });
    expect(await delivery('job-1-received')).toMatchObject({ delivery_status: 'delivered', delivered_at: new Date('2026-11-23T09:10:11Z') });
    const rows = await jobTransRows(stack.ledger.pool, 1);
    expect(rows.filter((r) => r.event_key === `dlr-${payload.message_uuid}-delivered`)).toEqual([expect.objectContaining({ Update_note: 'Courtesy SMS delivered' })]);
    // "read" after "delivered" is the same delivery: no new row.
    expect((await signed('vonageMessagesStatus', { ...payload, status: 'read' })).status).toBe(200);
    expect(await jobTransRows(stack.ledger.pool, 1)).toEqual(rows);
  });

  it('records "undeliverable" as failed with the error code', async () => {
    const payload = status({ client_ref: 'job-2-received', status: 'undeliverable', error: { type: 'https://developer.vonage.com/api-errors/messages#1320', title: '1320', detail: 'Message failed' } });
    expect(await signed('vonageMessagesStatus', payload)).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await delivery('job-2-received')).toMatchObject({ delivery_status: 'failed', delivery_error_code: '1320' });
  });

  it('answers 200 for a status of a message it never sent, and writes nothing', async () => {
    const before = await jobTransRows(stack.ledger.pool);
    expect(await signed('vonageMessagesStatus', status({ client_ref: 'job-99-received' }))).toMatchObject({ status: 200, body: { status: 'unknown-message' } });
    expect(await jobTransRows(stack.ledger.pool)).toEqual(before);
  });

  it.each([
    ['unsigned', (body: string) => post('vonageMessagesStatus', body)],
    ['signed with another secret', (body: string) => post('vonageMessagesStatus', body, `Bearer ${signVonageMessagesWebhook(body, 'wrong', now())}`)],
    ['signed 10 minutes ago', (body: string) => post('vonageMessagesStatus', body, `Bearer ${signVonageMessagesWebhook(body, SECRET, now() - 600)}`)],
    ['signed over another body', (body: string) => post('vonageMessagesStatus', body, `Bearer ${signVonageMessagesWebhook(body.replace('"rejected"', '"delivered"'), SECRET, now())}`)],
  ])('refuses a status %s with 401 and writes nothing', async (_what, send) => {
    const before = { trans: await jobTransRows(stack.ledger.pool), delivery: await delivery('job-1-received') };
    const response = await send(JSON.stringify(status({ client_ref: 'job-1-received', status: 'rejected' })));
    expect(response.status).toBe(401);
    expect(response.contentType).toBe('application/problem+json');
    expect({ trans: await jobTransRows(stack.ledger.pool), delivery: await delivery('job-1-received') }).toEqual(before);
  });

  it.each([
    ['an unknown status', { status: 'exploded' }, /status: must be one of submitted, delivered, read, rejected, undeliverable/],
    ['no message_uuid', { message_uuid: undefined }, /message_uuid/],
    ['a timestamp without zone', { timestamp: '2026-11-23 09:10:11' }, /timestamp: must be an ISO 8601/],
  ])('refuses a signed status with %s (400)', async (_what, overrides, detail) => {
    const response = await signed('vonageMessagesStatus', status({ client_ref: 'job-1-received', ...overrides }));
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(detail);
  });

  it('stores a WhatsApp reply to the feedback message as feedback, and ignores a reply without text', async () => {
    await stack.client.pool.query("UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id = 1");
    await relay.pollClientJobs();
    expect(await relay.closeJob(1)).toEqual({ outcome: 'started' });
    await sendQueued();
    expect(await clientStatus(stack.client.pool, 1)).toBe('CLOSED');
    const feedbackSms = stack.sandbox.sent.find((s) => s.clientRef === 'job-1-closed')!;

    const reply = { message_uuid: randomUUID(), from: feedbackSms.to, to: '447700900999', channel: 'whatsapp', message_type: 'text', text: ' 4 - quick repair ', timestamp: '2026-11-23T10:00:00Z' };
    expect(await signed('vonageMessagesInbound', reply)).toEqual({ status: 200, contentType: expect.any(String), body: { messageId: reply.message_uuid, status: 'recorded' } });
    expect(await feedbackRows()).toEqual([expect.objectContaining({ inbound_message_id: reply.message_uuid, Job_id: 1, score: 4 })]);
    expect(await signed('vonageMessagesInbound', reply)).toMatchObject({ status: 200, body: { status: 'duplicate' } });

    const image = { ...reply, message_uuid: randomUUID(), message_type: 'image', text: undefined, image: { url: 'https://example.com/i.jpg' } };
    expect(await signed('vonageMessagesInbound', image)).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(await signed('vonageMessagesInbound', { ...reply, message_uuid: randomUUID(), text: undefined })).toMatchObject({ status: 400, body: { detail: /text: a text message must carry text/ } });
    expect(await post('vonageMessagesInbound', JSON.stringify(reply))).toMatchObject({ status: 401 });
    expect(await feedbackRows()).toHaveLength(1);
  });
});

describe('Messages API webhooks without a signature secret', () => {
  let stack: RealStack;
  beforeAll(async () => {
    stack = await startRealStack();
  });
  beforeEach(() => provideRelay(async () => stack.relay));
  afterAll(async () => stack?.stop());

  it('accept unsigned requests, as the SMS API webhooks do', async () => {
    expect(await post('vonageMessagesStatus', JSON.stringify(status({ client_ref: 'job-5-received' })))).toMatchObject({ status: 200, body: { status: 'unknown-message' } });
  });
});
