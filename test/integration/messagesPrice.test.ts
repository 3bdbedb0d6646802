import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { createMysqlPool } from '../../src/adapters/mysql/pool.js';
import { signVonageMessagesWebhook } from '../../src/adapters/signatures/vonageMessagesSignature.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { ownStatsMessage } from '../../src/domain/stats/messageStats.js';
import '../../src/functions/notifications/vonageMessagesStatus.js';
import { callHttpFunction } from '../support/http.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

const SECRET = 'messages-signature-secret';

const signedStatus = (payload: Record<string, unknown>) => {
  const body = JSON.stringify(payload);
  return callHttpFunction('vonageMessagesStatus', 'POST', { body, headers: { authorization: `Bearer ${signVonageMessagesWebhook(body, SECRET, Date.now() / 1000)}` } });
};

/** Issue 21 item 7: the Messages API's price arrives in its status webhook and becomes the message's cost in the statistics. */
describe('Messages API price in the statistics', () => {
  let stack: RealStack;
  let relay: Relay;

  const counted = async () => {
    const [messages] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT customer_id, type, amount FROM stats_message ORDER BY type');
    const [days] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT type, message_count, total_amount FROM stats_bucket WHERE level = 2 ORDER BY type');
    return {
      messages: messages.map((row) => ({ customer_id: Number(row.customer_id), type: String(row.type), amount: row.amount as string })),
      days: days.map((row) => ({ type: String(row.type), message_count: Number(row.message_count), total_amount: row.total_amount as string })),
    };
  };

  beforeAll(async () => {
    stack = await startRealStack({ VONAGE_SIGNATURE_SECRET: SECRET });
    ({ relay } = stack);
    // SMS through the Messages API only: it reports no price when it takes a message.
    await relay.updateChannelGateway('sms', 'vonage-sms', { enabled: false });
    await insertClientJobs(stack.client.pool, [{ id: 1 }]);
    await relay.pollClientJobs();
    for (const message of stack.queue.drain(new Date())) expect(await relay.sendNotification(message.body)).toBe('sent');
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('updates the sent message\'s statistics row from usage.price, exactly and once, whatever statuses follow', async () => {
    const [sent] = stack.sandbox.messages;
    expect(sent).toMatchObject({ clientRef: 'job-1-received' });
    expect(await counted()).toEqual({
      messages: [{ customer_id: 1, type: 'sms.job-received', amount: '0.000' }],
      days: [{ type: 'sms.job-received', message_count: 1, total_amount: '0.000' }],
    });
    const status = { message_uuid: sent!.messageUuid, to: sent!.to, from: sent!.from, timestamp: new Date().toISOString(), channel: 'sms', client_ref: 'job-1-received', usage: { currency: 'EUR', price: '0.0570' } };
    expect(await signedStatus({ ...status, status: 'submitted' })).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await signedStatus({ ...status, status: 'delivered' })).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await signedStatus({ ...status, status: 'delivered' })).toMatchObject({ status: 200 });
    expect(await counted()).toEqual({
      messages: [{ customer_id: 1, type: 'sms.job-received', amount: '0.057' }],
      days: [{ type: 'sms.job-received', message_count: 1, total_amount: '0.057' }],
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(await relay.queryStats({ from: today, to: today, timezone: 'UTC' })).toMatchObject({ ok: true, stats: [{ customerId: 1, type: 'sms.job-received', count: 1, totalAmount: '0.057' }] });
  });

  it('counts a price that comes before the send\'s own count once: the send finds it counted', async () => {
    const pool = createMysqlPool(stack.ledger.url, 2, { multipleStatements: true });
    onTestFinished(() => pool.end());
    const stats = new MysqlMessageStats(pool);
    const own = { customerId: 77, channel: 'whatsapp', event: 'job-completed', messageKey: `job-${randomUUID()}-completed-whatsapp` };
    const at = new Date('2026-05-04T10:00:00.000Z');
    expect(await stats.reprice(ownStatsMessage({ ...own, price: '0.0125' }), at)).toBe('created');
    expect(await stats.record([ownStatsMessage(own)], at)).toEqual([{ outcome: 'conflict', stored: expect.objectContaining({ amount: '0.013' }) }]);
    expect(await stats.reprice(ownStatsMessage({ ...own, price: '0.0125' }), at)).toBe('unchanged');
    expect(await stats.reprice(ownStatsMessage({ ...own, price: '0.1' }), new Date('2026-05-05T10:00:00.000Z'))).toBe('repriced');
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT level, message_count, total_amount FROM stats_bucket WHERE customer_id = 77 ORDER BY level');
    // Still counted once, on the day it was first counted, at the new price exactly.
    expect(rows.map((row) => ({ level: Number(row.level), message_count: Number(row.message_count), total_amount: row.total_amount as string }))).toEqual([1, 2, 3, 4].map((level) => ({ level, message_count: 1, total_amount: '0.100' })));
  });
});
