import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { RowDataPacket } from 'mysql2/promise';
import { deliveryOutcomeOf } from '../../src/domain/notifications/deliveryOutcome.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { MysqlCustomerFeedback } from '../../src/adapters/mysql/feedback.js';
import { MysqlNotificationLog } from '../../src/adapters/mysql/notificationLog.js';
import { signVonageParams } from '../../src/adapters/vonage/webhookSignature.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { vonageDeliveryReceiptHandler } from '../../src/functions/notifications/vonageDeliveryReceipt.js';
import { vonageInboundSmsHandler } from '../../src/functions/feedback/vonageInboundSms.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { FakeNotificationQueue } from '../contracts/notifications/notificationQueue.fake.js';
import { testPhoneKeys } from '../kit/phoneKeys.js';
import { clientStatus, createLedgerDatabase, insertClientJobs, jobTransRows, type ThrowawayDatabase } from '../kit/mysql.js';

const SECRET = 'integration-signature-secret';
const API_KEY = 'k';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Posts signed, form-encoded parameters to a webhook handler, as Vonage does. */
async function postSigned(handler: Handler, route: string, params: Record<string, string>) {
  const request = new HttpRequest({
    url: `http://localhost:7071/api/webhooks/vonage/${route}`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: { string: new URLSearchParams(signVonageParams(params, SECRET, Date.now() / 1000)).toString() },
  });
  const response = new HttpResponse(await handler(request, new InvocationContext({ functionName: route })));
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface NotificationLogRow extends RowDataPacket {
  state: string;
  provider_message_id: string | null;
  delivery_status: string | null;
  delivery_error_code: string | null;
  delivered_at: Date | null;
  to_hash: string | null;
}

/** Vonage webhooks end to end: MariaDB, the embedded Cosmos server, and SMS sent through the sandbox. */
describe('Vonage webhooks against the real stack', () => {
  let stack: RealStack;
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let sandbox: VonageSandbox;
  let relay: Relay;
  let documents: CosmosJobDocuments;
  let queue: FakeNotificationQueue;

  async function sendQueued(): Promise<void> {
    for (const message of queue.drain(new Date())) await relay.sendNotification(message.body);
  }

  async function notificationLogRow(messageKey: string): Promise<NotificationLogRow | undefined> {
    const [rows] = await ledger.pool.query<NotificationLogRow[]>('SELECT * FROM notification_log WHERE message_key = ?', [messageKey]);
    return rows[0];
  }

  async function feedbackRows(): Promise<RowDataPacket[]> {
    const [rows] = await ledger.pool.query<RowDataPacket[]>('SELECT * FROM feedback ORDER BY received_at');
    return rows;
  }

  function receipt(messageId: string, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      msisdn: '447770123456',
      to: 'RepairRelay',
      'network-code': '23410',
      messageId,
      price: '0.03330000',
      status: 'delivered',
      scts: '2611230910',
      'err-code': '0',
      'api-key': API_KEY,
      'message-timestamp': '2026-11-23 09:10:11',
      ...overrides,
    };
  }

  beforeAll(async () => {
    stack = await startRealStack({ VONAGE_SIGNATURE_SECRET: SECRET }, { apiKey: API_KEY, apiSecret: 's' });
    ({ client, ledger, sandbox, relay, documents, queue } = stack);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('records the delivery receipt of a courtesy SMS in notification_log, Cosmos and job_trans, once', async () => {
    await insertClientJobs(client.pool, [{ id: 1 }]);
    await relay.pollClientJobs();
    await sendQueued();
    const sms = sandbox.sent.find((s) => s.clientRef === 'job-1-received')!;
    expect(sms).toBeDefined();

    const response = await postSigned(vonageDeliveryReceiptHandler, 'status', receipt(sms.messageId, { 'client-ref': 'job-1-received' }));
    expect(response).toEqual({ status: 200, body: { messageId: sms.messageId, status: 'recorded' } });

    expect(await notificationLogRow('job-1-received')).toMatchObject({
      state: 'sent',
      provider_message_id: sms.messageId,
      delivery_status: 'delivered',
      delivery_error_code: '0',
      delivered_at: new Date('2026-11-23T09:10:11Z'),
    });
    expect((await documents.get(1))?.sms.courtesy).toMatchObject({
      state: 'sent',
      providerMessageId: sms.messageId,
      delivery: { status: 'delivered', errorCode: '0', deliveredAt: '2026-11-23T09:10:11.000Z' },
    });
    const rows = await jobTransRows(ledger.pool, 1);
    expect(rows.filter((r) => r.event_key === `dlr-${sms.messageId}-delivered`)).toEqual([
      expect.objectContaining({ Job_status: 'OPENED', Update_note: 'Courtesy SMS delivered' }),
    ]);

    const again = await postSigned(vonageDeliveryReceiptHandler, 'status', receipt(sms.messageId, { 'client-ref': 'job-1-received' }));
    expect(again.status).toBe(200);
    expect(await jobTransRows(ledger.pool, 1)).toEqual(rows);
  });

  it('answers 200 for a receipt about a message it never sent and writes nothing', async () => {
    const before = await jobTransRows(ledger.pool);
    const response = await postSigned(vonageDeliveryReceiptHandler, 'status', receipt('FFFF000000000000', { 'client-ref': 'job-77-received' }));
    expect(response).toMatchObject({ status: 200, body: { status: 'unknown-message' } });
    expect(await jobTransRows(ledger.pool)).toEqual(before);
  });

  it('settles an interrupted (unknown) send as sent when its receipt arrives', async () => {
    await insertClientJobs(client.pool, [{ id: 2 }]);
    await relay.pollClientJobs();
    await sendQueued();
    const sms = sandbox.sent.find((s) => s.clientRef === 'job-2-received')!;
    // as if the process had died after Vonage accepted the SMS and the entry was later found stale
    await ledger.pool.query("UPDATE notification_log SET state = 'unknown', provider_message_id = NULL, price = NULL WHERE message_key = 'job-2-received'");

    const response = await postSigned(vonageDeliveryReceiptHandler, 'status', receipt(sms.messageId, { 'client-ref': 'job-2-received', status: 'failed', 'err-code': '6' }));
    expect(response.status).toBe(200);
    expect(await notificationLogRow('job-2-received')).toMatchObject({
      state: 'sent',
      provider_message_id: sms.messageId,
      delivery_status: 'failed',
      delivery_error_code: '6',
      delivered_at: null,
    });
    expect((await jobTransRows(ledger.pool, 2)).at(-1)?.Update_note).toBe(
      `Courtesy SMS failed (error 6); its interrupted send is now known to have reached Vonage (message ${sms.messageId})`,
    );
  });

  it('stores a customer reply to the feedback SMS once: feedback table, Cosmos and job_trans', async () => {
    await client.pool.query("UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id = 1");
    await relay.pollClientJobs();
    expect(await relay.closeJob(1)).toEqual({ outcome: 'started' });
    await sendQueued();
    expect(await clientStatus(client.pool, 1)).toBe('CLOSED');
    const feedbackSms = sandbox.sent.find((s) => s.clientRef === 'job-1-closed')!;
    expect((await notificationLogRow('job-1-closed'))?.to_hash).toBe(testPhoneKeys.lookupKey(`+${feedbackSms.to}`));

    const reply = { msisdn: feedbackSms.to, to: '447700900000', messageId: '3000000012345678', text: ' 5 stars! ', type: 'text', keyword: '5', 'message-timestamp': '2026-11-23 10:00:00' };
    const response = await postSigned(vonageInboundSmsHandler, 'inbound', reply);
    expect(response).toEqual({ status: 200, body: { messageId: reply.messageId, status: 'recorded' } });

    const stored = await feedbackRows();
    expect(stored).toEqual([expect.objectContaining({ inbound_message_id: reply.messageId, Job_id: 1, score: 5, reply_text: '5 stars!' })]);
    expect((await documents.get(1))?.feedback).toMatchObject({ score: 5, text: '5 stars!' });
    const rows = await jobTransRows(ledger.pool, 1);
    expect(rows.filter((r) => r.event_key === `feedback-${reply.messageId}`)).toEqual([
      expect.objectContaining({ Job_status: 'CLOSED', Update_note: 'Customer feedback: score 5' }),
    ]);

    expect(await postSigned(vonageInboundSmsHandler, 'inbound', { ...reply, text: '1' })).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await feedbackRows()).toEqual(stored);
    expect(await jobTransRows(ledger.pool, 1)).toEqual(rows);
    expect((await documents.get(1))?.feedback).toMatchObject({ score: 5 });
  });

  it('stores nowhere a reply from a number it sent no feedback SMS to', async () => {
    const before = { feedback: await feedbackRows(), trans: await jobTransRows(ledger.pool) };
    const response = await postSigned(vonageInboundSmsHandler, 'inbound', { msisdn: '447700900123', to: '447700900000', messageId: '3000000099999999', text: '5', type: 'text' });
    expect(response).toMatchObject({ status: 200, body: { status: 'kept' } });
    expect({ feedback: await feedbackRows(), trans: await jobTransRows(ledger.pool) }).toEqual(before);
  });

  it('refuses an unsigned receipt with 401 and writes nothing', async () => {
    const before = await jobTransRows(ledger.pool);
    const request = new HttpRequest({
      url: 'http://localhost:7071/api/webhooks/vonage/status',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: { string: JSON.stringify(receipt(sandbox.sent[0]!.messageId, { status: 'failed' })) },
    });
    const init = await vonageDeliveryReceiptHandler(request, new InvocationContext());
    expect(init.status).toBe(401);
    expect(await jobTransRows(ledger.pool)).toEqual(before);
  });
});

describe('ledger adapters for the Vonage webhooks', () => {
  let ledger: ThrowawayDatabase;
  let notificationLog: MysqlNotificationLog;
  let feedback: MysqlCustomerFeedback;

  beforeAll(async () => {
    ledger = await createLedgerDatabase();
    notificationLog = new MysqlNotificationLog(ledger.pool);
    feedback = new MysqlCustomerFeedback(ledger.pool);
  });
  afterAll(async () => ledger?.drop());

  it('finds entries by Vonage id and stores the delivery status by compare-and-set', async () => {
    const sentAt = new Date('2026-11-23T09:00:00.000Z');
    await notificationLog.register([{ messageKey: 'job-1-received', jobId: 1, kind: 'job-received', state: 'queued', toMasked: '***456', toHash: 'h1', detail: null, customerId: null, channel: 'sms' as const, reason: null }], sentAt);
    await notificationLog.claimForSending('job-1-received', 'queued', 0, 'vonage-sms', sentAt);
    await notificationLog.record('job-1-received', 'sending', { state: 'sent', providerMessageId: 'V1', price: '0.033' }, sentAt);

    expect(await notificationLog.findByProviderMessageId('V1')).toMatchObject({ messageKey: 'job-1-received', delivery: null });
    expect(await notificationLog.findByProviderMessageId('V2')).toBeUndefined();
    const updatedAt = (await notificationLog.get('job-1-received'))!.updatedAt;

    expect(await notificationLog.recordDelivery('job-1-received', null, { outcome: deliveryOutcomeOf('accepted'), errorCode: '0', deliveredAt: null })).toBe(true);
    expect(await notificationLog.recordDelivery('job-1-received', null, { outcome: deliveryOutcomeOf('failed'), errorCode: '6', deliveredAt: null })).toBe(false);
    const at = new Date('2026-11-23T09:10:11.000Z');
    expect(await notificationLog.recordDelivery('job-1-received', deliveryOutcomeOf('accepted'), { outcome: deliveryOutcomeOf('delivered'), errorCode: '0', deliveredAt: at })).toBe(true);
    expect(await notificationLog.recordDelivery('job-1-received', deliveryOutcomeOf('delivered'), { outcome: deliveryOutcomeOf('failed'), errorCode: '6', deliveredAt: null })).toBe(true);

    const entry = await notificationLog.getWithDelivery('job-1-received');
    expect(entry?.delivery).toEqual({ outcome: deliveryOutcomeOf('failed'), errorCode: '6', deliveredAt: at });
    expect(entry?.updatedAt).toEqual(updatedAt);
  });

  it('finds the most recently created sent SMS of a kind to a number', async () => {
    const entry = (key: string, jobId: number, kind: 'job-received' | 'job-closed', toHash: string) => ({
      messageKey: key,
      jobId,
      kind,
      state: 'queued' as const,
      toMasked: '***456',
      toHash,
      detail: null,
      customerId: null,
      channel: 'sms' as const,
      reason: null,
    });
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 23, 9) + ms);
    await notificationLog.register([entry('job-10-closed', 10, 'job-closed', 'h2')], at(0));
    await notificationLog.register([entry('job-11-closed', 11, 'job-closed', 'h2'), entry('job-11-received', 11, 'job-received', 'h3')], at(5));
    await notificationLog.register([entry('job-12-closed', 12, 'job-closed', 'h2')], at(10));
    for (const key of ['job-11-closed', 'job-10-closed', 'job-11-received']) {
      await notificationLog.claimForSending(key, 'queued', 0, 'vonage-sms', at(20));
      await notificationLog.record(key, 'sending', { state: 'sent', providerMessageId: `P-${key}` }, at(20));
    }
    // job 12's feedback SMS is still queued, so not sent: job 11's is the latest sent one
    expect((await notificationLog.latestSentTo('h2', 'job-closed'))?.messageKey).toBe('job-11-closed');
    expect(await notificationLog.latestSentTo('h3', 'job-closed')).toBeUndefined();
    expect(await notificationLog.latestSentTo('nope', 'job-closed')).toBeUndefined();
  });

  it('stores a reply once per inbound message id', async () => {
    const reply = { inboundMessageId: 'in-1', jobId: 10, customerId: 3, score: null, text: 'Très bien 😀', receivedAt: new Date('2026-11-23T10:00:00.123Z') };
    expect(await feedback.record(reply)).toBe('recorded');
    expect(await feedback.record({ ...reply, score: 1, text: 'changed' })).toBe('duplicate');
    expect(await feedback.get('in-1')).toEqual(reply);
    expect(await feedback.forJob(10)).toEqual([reply]);
    await feedback.record({ ...reply, inboundMessageId: 'in-2', score: 4, text: 'x'.repeat(640) });
    expect((await feedback.forJob(10)).map((r) => r.score)).toEqual([null, 4]);
  });
});
