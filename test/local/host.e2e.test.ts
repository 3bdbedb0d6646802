import { app } from '@azure/functions';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosClient, openJobsContainer } from '../../src/adapters/cosmos/client.js';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { getRelay } from '../../src/processRelay.js';
import { startLocalHost, type LocalHost } from '../../dev/host.js';
import { LOCAL_PAYMENT_WEBHOOK_SECRET, LOCAL_VONAGE_API_SECRET } from '../../dev/defaults.js';
import { buildPaymentRequest, postPayment } from '../../scripts/lib/paymentRequest.js';
import { clientStatus, createThrowawayDatabase, insertClientJobs, jobTransRows, type ThrowawayDatabase } from '../kit/mysql.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { eventually } from '../kit/eventually.js';

/** Whether anything accepts TCP connections at the URL's host and port. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The local host booted in-process exactly as `npm start` runs it: the app's real function files,
 * real MariaDB (throwaway databases), the embedded Cosmos server, the SMS sandbox and the in-process
 * queue, with a poll every second.
 */
describe('local host end to end', () => {
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let host: LocalHost;
  let documents: CosmosJobDocuments;
  let disposeCosmos: () => void;
  const lines: string[] = [];

  beforeAll(async () => {
    // A test-only function, registered before the host starts like any other, to watch shutdown.
    app.http('slowProbe', {
      route: 'test/slow',
      methods: ['GET'],
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        return { body: 'finished' };
      },
    });
    [client, ledger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
    host = await startLocalHost({
      env: { CLIENT_DB_URL: client.url, LEDGER_DB_URL: ledger.url, POLL_SCHEDULE: '* * * * * *' },
      functionFiles: 'src/functions/index.ts',
      importModule: (file) => import(file),
      port: 0,
      log: (line) => lines.push(line),
    });
    const settings = {
      endpoint: host.settings.COSMOS_ENDPOINT!,
      key: host.settings.COSMOS_KEY!,
      database: host.config.COSMOS_DATABASE,
      container: host.config.COSMOS_JOBS_CONTAINER,
    };
    const cosmos = createCosmosClient(settings);
    disposeCosmos = () => cosmos.dispose();
    documents = new CosmosJobDocuments(await openJobsContainer(cosmos, settings));
  });

  afterAll(async () => {
    disposeCosmos?.();
    await host?.stop();
    await Promise.all([client?.drop(), ledger?.drop()]);
  });

  it('is reachable while it runs', async () => {
    for (const url of [host.url, host.dependencies.cosmos!.endpoint, host.settings.VONAGE_REST_HOST!]) expect(await listening(url)).toBe(true);
  });

  it('starts every function of the app with its trigger and embeds Cosmos, Vonage and Service Bus', () => {
    const byName = Object.fromEntries(host.functions.map((f) => [f.name, f]));
    expect(byName.pollClientJobs).toMatchObject({ trigger: 'timer', detail: expect.stringContaining('"* * * * * *" (%POLL_SCHEDULE%)') });
    expect(byName.sendNotification).toMatchObject({ trigger: 'serviceBus', detail: expect.stringContaining('queue sms-outbound (%SMS_QUEUE%), connection SERVICEBUS_CONNECTION') });
    expect(byName.payments).toMatchObject({ trigger: 'http', detail: expect.stringContaining(`POST ${host.apiUrl}/payments`) });
    expect(host.dependencies.cosmos?.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(host.sandbox).toBeDefined();
    expect(host.settings.PAYMENT_WEBHOOK_SECRET).toBe(LOCAL_PAYMENT_WEBHOOK_SECRET);

    const banner = lines.join('\n');
    expect(banner).toContain(`Ready: ${host.apiUrl}`);
    expect(banner).toMatch(/Cosmos DB\s+embedded/);
    expect(banner).toMatch(/Vonage SMS\s+embedded/);
    expect(banner).toMatch(/payments\s+configured locally/);
    // No signature secret: this host, and only a local host, accepts webhooks unsigned, and says so.
    expect(host.settings.ALLOW_UNSIGNED_WEBHOOKS).toBe('true');
    expect(banner).toMatch(/Vonage webhooks\s+unsigned\s+VONAGE_SIGNATURE_SECRET unset, so ALLOW_UNSIGNED_WEBHOOKS=true was set for this local host/);
    for (const secret of [LOCAL_PAYMENT_WEBHOOK_SECRET, LOCAL_VONAGE_API_SECRET, host.settings.COSMOS_KEY!]) expect(banner).not.toContain(secret);
    // The staff console has no Entra ID here: the host signs in the local owner and says where the console is.
    expect(host.settings.CONSOLE_LOCAL_OWNER).toBe('true');
    expect(banner).toContain(`Console: ${host.apiUrl}/console/ (signed in as local owner)`);
  });

  it('answers the console as the local owner over HTTP, and judges a principal that is sent', async () => {
    const me = await fetch(`${host.apiUrl}/staff/me`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: unknown }).user).toEqual({ id: 'local-owner', name: 'Local owner', roles: ['owner'] });
    const guest = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'oid', val: 'g-1' }, { typ: 'roles', val: 'guest' }] })).toString('base64');
    expect((await fetch(`${host.apiUrl}/staff/jobs`, { headers: { 'x-ms-client-principal': guest } })).status).toBe(403);
    const change = await fetch(`${host.apiUrl}/staff/failures/replay`, { method: 'POST' });
    expect(change.status).toBe(403);
  });

  it('texts the customers of NEW jobs within a poll and opens the jobs in the client table, Cosmos and job_trans', async () => {
    await insertClientJobs(client.pool, [{ id: 101 }, { id: 102, mobile: '+44 7911 123789' }, { id: 103, mobile: null }]);

    const sent = await eventually(() => {
      const refs = host.sandbox!.sent.map((sms) => sms.clientRef).sort();
      expect(refs).toEqual(['job-101-received', 'job-102-received']);
      return host.sandbox!.sent;
    });
    expect(sent.find((sms) => sms.clientRef === 'job-101-received')).toMatchObject({ to: '447770123456', from: 'RepairRelay' });

    // The client table moves before Cosmos and job_trans catch up: wait for all three.
    await eventually(async () => {
      for (const id of [101, 102, 103]) {
        expect(await clientStatus(client.pool, id)).toBe('OPENED');
        expect((await documents.get(id))?.job_status).toBe('OPENED');
        const trans = await jobTransRows(ledger.pool, id);
        expect(trans.map((row) => row.Job_status)).toContain('NEW');
        expect(trans.at(-1)?.Job_status).toBe('OPENED');
      }
    });
    expect((await jobTransRows(ledger.pool, 103)).at(-1)?.Update_note).toMatch(/no mobile/i);

    const listing = (await (await fetch(`${host.apiUrl}/dev/sms`)).json()) as { count: number; sms: Array<{ to: string; text: string }> };
    expect(listing.count).toBe(2);
    expect(listing.sms.map((sms) => sms.to).sort()).toEqual(['***456', '***789']);
    expect(JSON.stringify(listing)).not.toContain('7770123456');
    expect(lines.some((line) => line.includes('[sms sandbox] to ***456'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/7770 ?123456|7911 ?123789/);
  });

  it('dead-letters a malformed queue message after 10 deliveries, with the error in the log', async () => {
    host.queue.send([{ messageId: 'broken-1', body: { kind: 'job-received', jobId: 'not a number' }, contentType: 'application/json' }]);
    const dead = await eventually(() => {
      expect(host.queue.deadLetters.map((m) => m.messageId)).toContain('broken-1');
      return host.queue.deadLetters.find((m) => m.messageId === 'broken-1')!;
    });
    expect(dead.deliveryCount).toBe(10);
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    // The handler read messageId from the trigger metadata the host passed.
    expect(dead.deadLetterErrorDescription).toContain('MalformedNotificationMessageError: outbound message broken-1 is malformed');
    expect(lines.filter((l) => l.includes('of message broken-1 failed'))).toHaveLength(9);
    expect(lines.some((l) => l.includes('broken-1 dead-lettered after 10 deliveries'))).toBe(true);
    const queues = (await (await fetch(`${host.apiUrl}/dev/queue`)).json()) as {
      queues: Array<{ connection: string; name: string; deadLettered: number; deadLetters: Array<{ messageId: string; deadLetterReason: string }> }>;
    };
    expect(queues.queues).toEqual([
      expect.objectContaining({
        connection: 'SERVICEBUS_CONNECTION',
        name: 'sms-outbound',
        deadLettered: 1,
        deadLetters: [expect.objectContaining({ messageId: 'broken-1', deadLetterReason: 'MaxDeliveryCountExceeded' })],
      }),
    ]);
  });

  // ---------------------------------------------------------------------------------------------
  // Payment -> CLOSED, over the host's HTTP routes (the HTTP functions of issue 3 and the payment
  // work). Separate from the ingestion half above so each can fail on its own.
  // ---------------------------------------------------------------------------------------------
  describe('payment to closure over HTTP', () => {
    it('moves a job to JOB COMPLETED, takes a signed payment, sends the feedback SMS and closes the job everywhere', async () => {
      const put = (status: string) =>
        fetch(`${host.apiUrl}/jobs/101/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
      expect((await put('IN PROGRESS')).status).toBe(200);
      expect((await put('JOB COMPLETED')).status).toBe(200);

      const payment = buildPaymentRequest({ jobId: 101, amount: '45.5', secret: host.settings.PAYMENT_WEBHOOK_SECRET! });
      const first = await postPayment(host.apiUrl, payment);
      expect(first.status).toBe(201);
      expect(JSON.parse(first.text)).toMatchObject({ paymentId: payment.payment.paymentId, jobId: 101, status: 'recorded' });

      await eventually(async () => {
        expect(host.sandbox!.sent.map((sms) => sms.clientRef)).toContain('job-101-closed');
        expect(await clientStatus(client.pool, 101)).toBe('CLOSED');
        expect((await documents.get(101))?.job_status).toBe('CLOSED');
        expect((await jobTransRows(ledger.pool, 101)).at(-1)?.Job_status).toBe('CLOSED');
      });

      const again = await postPayment(host.apiUrl, payment);
      expect(again.status).toBe(200);
      const unsigned = await fetch(`${host.apiUrl}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payment.body });
      expect(unsigned.status).toBe(401);
      expect(host.sandbox!.sent.filter((sms) => sms.clientRef === 'job-101-closed')).toHaveLength(1);
    });
  });

  it('stops gracefully: a running invocation finishes, then the server, relay and embedded servers close', async () => {
    const slow = fetch(`${host.apiUrl}/test/slow`).then(async (r) => ({ status: r.status, text: await r.text() }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = host.stop();
    expect(await slow).toEqual({ status: 200, text: 'finished' });
    await stopped;
    expect(lines.at(-1)).toContain('[host] stopped');
    expect(await listening(host.url)).toBe(false);
    expect(await listening(host.dependencies.cosmos!.endpoint)).toBe(false);
    expect(await listening(host.settings.VONAGE_REST_HOST!)).toBe(false);
    await expect(getRelay()).rejects.toThrow('the local host has stopped');
  });
});
