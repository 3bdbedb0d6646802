import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { FakeNotificationQueue } from '../contracts/notifications/notificationQueue.fake.js';
import { registrations } from '../../dev/functionsCore.js';
import { clientStatus, insertClientJobs, jobTransRows, type ThrowawayDatabase } from '../kit/mysql.js';
import { callHttpFunction } from '../support/http.js';
import { MailSink } from '../../dev/mailSink.js';
import '../../src/functions/customers/createCustomer.js';
import '../../src/functions/notifications/listNotifications.js';
import '../../src/functions/notifications/sendNotification.js';
import '../../src/functions/jobs/pollClientJobs.js';

/** The real adapters end to end: MariaDB, the embedded Cosmos server, the Vonage SDK against the sandbox. */
describe('job sync pipeline', () => {
  let stack: RealStack;
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let sandbox: VonageSandbox;
  let mailSink: MailSink;
  let documents: CosmosJobDocuments;
  let queue: FakeNotificationQueue;
  let relay: Relay;

  /** Runs the registered queue-trigger handler on every due message, as the Functions host would. */
  async function deliverDue(): Promise<void> {
    const handler = registrations.get('sendNotification')!.handler;
    for (const message of queue.drain(new Date())) {
      await handler(message.body, new InvocationContext({ functionName: 'sendNotification', triggerMetadata: { messageId: message.messageId } }));
    }
  }

  beforeAll(async () => {
    stack = await startRealStack({ POLL_BATCH_SIZE: '7' });
    ({ client, ledger, sandbox, mailSink, documents, queue, relay } = stack);
    provideRelay(async () => relay);
  });

  afterAll(async () => stack?.stop());

  it('ingests new jobs, texts each customer once and opens the jobs everywhere', async () => {
    await insertClientJobs(client.pool, [
      ...Array.from({ length: 18 }, (_, i) => ({ id: i + 1 })),
      { id: 19, mobile: null },
      { id: 20, status: 'IN PROGRESS' },
    ]);
    await registrations.get('pollClientJobs')!.handler({ isPastDue: false }, new InvocationContext({ functionName: 'pollClientJobs' }));
    expect(queue.messages).toHaveLength(18);
    await deliverDue();

    expect(sandbox.sent).toHaveLength(18);
    expect(new Set(sandbox.sent.map((s) => s.clientRef)).size).toBe(18);
    for (const id of [1, 18, 19]) {
      expect(await clientStatus(client.pool, id)).toBe('OPENED');
      expect((await documents.get(id))?.job_status).toBe('OPENED');
      expect((await jobTransRows(ledger.pool, id)).map((r) => r.Job_status)).toEqual(['NEW', 'NEW', 'OPENED']);
    }
    expect(await clientStatus(client.pool, 20)).toBe('IN PROGRESS');
    expect(await documents.get(20)).toBeUndefined();
    expect((await jobTransRows(ledger.pool, 19))[1]?.Update_note).toContain('no mobile number');
  });

  it('sends nothing more when every message is delivered again', async () => {
    const sentBefore = sandbox.requests;
    const handler = registrations.get('sendNotification')!.handler;
    for (let id = 1; id <= 18; id++) {
      await handler({ kind: 'job-received', jobId: id, to: '+447770123456', text: 'again' }, new InvocationContext());
    }
    expect(sandbox.requests).toBe(sentBefore);
    expect(await jobTransRows(ledger.pool)).toHaveLength(18 * 3 + 3);
  });

  it('ingests each job once when two instances poll at the same time', async () => {
    await insertClientJobs(client.pool, Array.from({ length: 30 }, (_, i) => ({ id: 100 + i })));
    const [a, b] = [relay, await stack.newRelay()];
    const reports = await Promise.all([a.pollClientJobs(), b.pollClientJobs()]);
    expect(reports[0].checkpoint).toBe(129);
    await deliverDue();
    const texted = sandbox.sent.map((s) => Number(s.clientRef?.split('-')[1])).filter((id) => id >= 100 && id < 130);
    expect(texted.sort()).toEqual(Array.from({ length: 30 }, (_, i) => 100 + i));
    const rows = await jobTransRows(ledger.pool);
    const ingests = rows.filter((r) => r.event_key.endsWith('-status-NEW') && r.Job_id >= 100);
    expect(ingests).toHaveLength(30);
  });

  it('retries Vonage throttling at both SMS gateways later and still sends once', async () => {
    await insertClientJobs(client.pool, [{ id: 200 }]);
    sandbox.enqueueReplies({ kind: 'status', status: '1', errorText: 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' });
    sandbox.enqueueMessagesReplies({ kind: 'http', status: 429 });
    await relay.pollClientJobs();
    await deliverDue();
    // Attempt 1 at the SMS API, attempt 2 at the Messages API: the retry is attempt 3.
    expect(queue.messages).toEqual([expect.objectContaining({ messageId: 'job-200-received-attempt-3', scheduledAt: expect.any(Date) })]);
    expect(await clientStatus(client.pool, 200)).toBe('NEW');

    queue.messages[0]!.scheduledAt = new Date(0);
    await deliverDue();
    expect(sandbox.sent.filter((s) => s.clientRef === 'job-200-received')).toHaveLength(1);
    expect(await clientStatus(client.pool, 200)).toBe('OPENED');
  });

  it('tells a customer by SMS and real SMTP email, and lists both in the notification log', async () => {
    const created = await callHttpFunction('createCustomer', 'POST', {
      body: JSON.stringify({ name: 'Amira Khan', mobile: '07770 300301', email: 'amira@example.com', subscriptions: [{ channel: 'sms' }, { channel: 'email' }] }),
    });
    expect(created.status).toBe(201);
    await insertClientJobs(client.pool, [{ id: 300, mobile: '07770300301' }]);
    await relay.pollClientJobs();
    await deliverDue();

    expect(sandbox.sent.filter((m) => m.clientRef === 'job-300-received')).toHaveLength(1);
    const mail = mailSink.received.filter((m) => m.to.includes('amira@example.com'));
    expect(mail).toEqual([expect.objectContaining({ subject: expect.stringContaining('job 300'), html: expect.stringContaining('<p>') })]);
    expect(await clientStatus(client.pool, 300)).toBe('OPENED');

    const log = await callHttpFunction('listNotifications', 'GET', { query: { jobId: '300' } });
    expect(log.status).toBe(200);
    const customerId = (created.body as { customerId: number }).customerId;
    // Both were registered together: newest first, then by id descending.
    expect((log.body as { notifications: unknown[] }).notifications).toEqual([
      expect.objectContaining({ notificationId: 'job-300-received-email', customerId, event: 'job-received', channel: 'email', gateway: 'smtp', outcome: 'sent', reason: null, attempts: 1 }),
      expect.objectContaining({ notificationId: 'job-300-received', customerId, channel: 'sms', gateway: 'vonage-sms', outcome: 'sent', settledAt: expect.any(String) }),
    ]);
    const noneFailed = await callHttpFunction('listNotifications', 'GET', { query: { customerId: String(customerId), outcome: 'failed' } });
    expect(noneFailed).toMatchObject({ status: 200, body: { notifications: [] } });
  });

  it.each([
    [{ jobId: 'abc' }, 'jobId'],
    [{ jobId: '0' }, 'jobId'],
    [{ customerId: '-3' }, 'customerId'],
    [{ outcome: 'lost' }, 'outcome'],
    [{ limit: '5000' }, 'limit'],
    [{ channel: 'sms' }, 'channel'],
  ])('refuses the notification log query %o with 400 naming %s', async (query, name) => {
    const response = await callHttpFunction('listNotifications', 'GET', { query });
    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(name);
  });
});
