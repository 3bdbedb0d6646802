import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { signPayment } from '../../src/adapters/signatures/paymentSignature.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { callHttpFunction } from '../support/http.js';
import { clientStatus, jobTransRows, type ThrowawayDatabase } from '../kit/mysql.js';
import { stackJobs } from '../support/stackJobs.js';
import '../../src/functions/payments/payments.js';
import '../../src/functions/jobs/closeJob.js';
import '../../src/functions/jobs/getJob.js';
import '../../src/functions/jobs/changeJobStatus.js';
import '../../src/functions/health/health.js';
import '../../src/functions/notifications/sendNotification.js';

const SECRET = 'test-payment-secret';

/** Payment, closure and job API routes end to end over real MariaDB, Cosmos and the Vonage SDK. */
describe('callbacks and the job API', () => {
  let stack: RealStack;
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let sandbox: VonageSandbox;
  let relay: Relay;
  let documents: CosmosJobDocuments;
  let deliverDue: () => Promise<void>;
  let jobIn: (status: string, mobile?: string | null) => Promise<number>;

  function pay(jobId: number, overrides: Record<string, unknown> = {}, signing: { secret?: string; at?: number; header?: string | null } = {}) {
    const body = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '45.500', currency: 'GBP', paidAt: new Date().toISOString(), ...overrides });
    const header = signing.header === undefined ? signPayment(body, signing.secret ?? SECRET, signing.at ?? Date.now() / 1000) : signing.header;
    return callHttpFunction('payments', 'POST', { body, headers: header === null ? {} : { 'x-signature': header } });
  }

  beforeAll(async () => {
    stack = await startRealStack({ PAYMENT_WEBHOOK_SECRET: SECRET });
    ({ client, ledger, sandbox, relay, documents } = stack);
    ({ deliverDue, jobIn } = stackJobs(stack));
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  describe('POST /api/payments', () => {
    it('records the payment and closes a completed job: one feedback SMS, CLOSED in all three places', async () => {
      const jobId = await jobIn('JOB COMPLETED');
      const response = await pay(jobId);
      expect(response).toMatchObject({ status: 201, body: { jobId, status: 'recorded', closure: 'started' } });
      await deliverDue();

      expect(sandbox.sent.filter((s) => s.clientRef === `job-${jobId}-closed`)).toHaveLength(1);
      expect(await clientStatus(client.pool, jobId)).toBe('CLOSED');
      expect(await documents.get(jobId)).toMatchObject({ job_status: 'CLOSED', payments: [{ amount: '45.500', currency: 'GBP' }] });
      const rows = await jobTransRows(ledger.pool, jobId);
      // ... and the completion SMS the status mirror sent when the client completed the job
      expect(rows.map((r) => r.Job_status)).toEqual(['NEW', 'NEW', 'OPENED', 'JOB COMPLETED', 'JOB COMPLETED', 'JOB COMPLETED', 'JOB COMPLETED', 'JOB COMPLETED', 'CLOSED']);
      const [[payment]] = await ledger.pool.query<import('mysql2').RowDataPacket[]>('SELECT amount FROM payments WHERE Job_id = ?', [jobId]);
      expect(payment?.amount).toBe('45.500');
    });

    it('answers a repeated paymentId with 200 and changes nothing', async () => {
      const jobId = await jobIn('IN PROGRESS');
      const body = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '10.000', currency: 'GBP', paidAt: new Date().toISOString() });
      const send = () => callHttpFunction('payments', 'POST', { body, headers: { 'x-signature': signPayment(body, SECRET, Date.now() / 1000) } });
      expect((await send()).status).toBe(201);
      const rowsAfterFirst = await jobTransRows(ledger.pool, jobId);
      expect(await send()).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      expect(await jobTransRows(ledger.pool, jobId)).toEqual(rowsAfterFirst);
      expect((await documents.get(jobId))?.payments).toHaveLength(1);
    });

    it.each([
      ['missing', { header: null }, 'missing'],
      ['wrongly signed', { secret: 'not-the-secret' }, 'does not match'],
      ['replayed (10 minutes old)', { at: Date.now() / 1000 - 600 }, 'more than 300 s'],
      ['malformed', { header: 'sha256=abc' }, 'must look like'],
    ])('refuses a %s signature with 401 and writes nothing', async (_case, signing, detail) => {
      const jobId = await jobIn('JOB COMPLETED');
      const before = await jobTransRows(ledger.pool, jobId);
      const response = await pay(jobId, {}, signing);
      expect(response).toMatchObject({ status: 401, contentType: 'application/problem+json', body: { status: 401, detail: expect.stringContaining(detail) } });
      expect(await jobTransRows(ledger.pool, jobId)).toEqual(before);
    });

    it.each([
      [{ amount: '45.5' }, 'amount: must be a decimal string with exactly 3 decimals'],
      [{ amount: 45.5 }, 'amount'],
      [{ amount: '0.000' }, 'more than zero'],
      [{ paymentId: 'abc' }, 'paymentId'],
      [{ currency: 'pounds' }, 'currency'],
      [{ paidAt: 'yesterday' }, 'paidAt'],
      [{ extra: 1 }, 'extra'],
    ])('refuses an invalid body %o with 400 naming the problem', async (overrides, detail) => {
      const response = await pay(1, overrides);
      expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { detail: expect.stringContaining(detail) } });
    });

    it.each(['9999-12-31T23:59:59-10:00', '0000-01-01T00:00:00Z', '0999-06-01T12:00:00Z', '1999-12-31T23:59:59Z'])(
      'refuses paidAt %s (outside 2000 to one day ahead) with 400, and a retry of the same paymentId is refused the same way',
      async (paidAt) => {
        const jobId = await jobIn('IN PROGRESS');
        const paymentId = randomUUID();
        for (let attempt = 0; attempt < 2; attempt++) {
          expect(await pay(jobId, { paymentId, paidAt })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('paidAt') } });
        }
        const [[count]] = await ledger.pool.query<import('mysql2').RowDataPacket[]>('SELECT COUNT(*) AS n FROM payments WHERE payment_id = ?', [paymentId]);
        expect(Number(count?.n)).toBe(0);
      },
    );

    it('takes a paidAt up to a day ahead (clock skew), and refuses one further ahead', async () => {
      const jobId = await jobIn('IN PROGRESS');
      expect((await pay(jobId, { paidAt: new Date(Date.now() + 60 * 60_000).toISOString() })).status).toBe(201);
      expect((await pay(jobId, { paidAt: new Date(Date.now() + 25 * 60 * 60_000).toISOString() })).status).toBe(400);
    });

    it.each([
      ['a correct v1 with a hex digit appended', (header: string) => `${header}0`],
      ['a correct v1 followed by =junk', (header: string) => `${header}=junk`],
      ['an unknown element', (header: string) => `${header},v0=abc`],
      ['a second timestamp', (header: string) => `${header},t=1`],
    ])('refuses %s with 401', async (_case, spoil) => {
      const jobId = await jobIn('JOB COMPLETED');
      const body = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '45.500', currency: 'GBP', paidAt: new Date().toISOString() });
      const header = spoil(signPayment(body, SECRET, Date.now() / 1000));
      expect(await callHttpFunction('payments', 'POST', { body, headers: { 'x-signature': header } })).toMatchObject({ status: 401 });
      expect((await documents.get(jobId))?.payments).toBeUndefined();
    });

    it('checks the HMAC over the raw bytes: a body with a byte-order mark signed as sent is taken, signed without it is refused', async () => {
      const jobId = await jobIn('IN PROGRESS');
      const text = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '45.500', currency: 'GBP', paidAt: new Date().toISOString() });
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
      const signedWithoutBom = signPayment(text, SECRET, Date.now() / 1000);
      expect(await callHttpFunction('payments', 'POST', { body: bytes, headers: { 'x-signature': signedWithoutBom } })).toMatchObject({ status: 401 });
      expect(await callHttpFunction('payments', 'POST', { body: bytes, headers: { 'x-signature': signPayment(bytes, SECRET, Date.now() / 1000) } })).toMatchObject({ status: 201 });
    });

    it('answers 50 concurrent distinct payments to one job with 201 each, and the document and history list all 50', async () => {
      const jobId = await jobIn('IN PROGRESS');
      const responses = await Promise.all(Array.from({ length: 50 }, () => pay(jobId)));
      expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 201));
      expect((await documents.get(jobId))?.payments).toHaveLength(50);
      expect((await jobTransRows(ledger.pool, jobId)).filter((r) => r.event_key.startsWith('payment-'))).toHaveLength(50);
    });

    it('refuses a body of another content type with 415 before anything is read or written', async () => {
      const jobId = await jobIn('IN PROGRESS');
      const body = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '45.500', currency: 'GBP', paidAt: new Date().toISOString() });
      const headers = { 'x-signature': signPayment(body, SECRET, Date.now() / 1000), 'content-type': 'text/plain' };
      expect(await callHttpFunction('payments', 'POST', { body, headers })).toMatchObject({ status: 415, contentType: 'application/problem+json' });
      expect((await documents.get(jobId))?.payments).toBeUndefined();
    });

    it('answers 404 for a job Repair Relay does not hold, and 413 for an oversized body', async () => {
      expect(await pay(987654)).toMatchObject({ status: 404, body: { detail: 'job 987654 is not known to Repair Relay' } });
      const big = JSON.stringify({ padding: 'x'.repeat(20_000) });
      const response = await callHttpFunction('payments', 'POST', { body: big, headers: { 'x-signature': signPayment(big, SECRET, Date.now() / 1000) } });
      expect(response.status).toBe(413);
    });

    it('records a payment for a job not yet completed and closes it when the client completes it', async () => {
      const jobId = await jobIn('IN PROGRESS');
      expect(await pay(jobId)).toMatchObject({ status: 201, body: { closure: 'not-completed' } });
      await client.pool.query("UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id = ?", [jobId]);
      await relay.pollClientJobs();
      await deliverDue();
      expect(await clientStatus(client.pool, jobId)).toBe('CLOSED');
    });
  });

  describe('POST /api/jobs/{jobId}/close', () => {
    it('closes a completed job once however often it is asked', async () => {
      const jobId = await jobIn('JOB COMPLETED');
      const params = { jobId: String(jobId) };
      expect(await callHttpFunction('closeJob', 'POST', { params })).toMatchObject({ status: 202, body: { closure: 'started' } });
      expect(await callHttpFunction('closeJob', 'POST', { params })).toMatchObject({ status: 202, body: { closure: 'in-progress' } });
      await deliverDue();
      expect(await callHttpFunction('closeJob', 'POST', { params })).toMatchObject({ status: 200, body: { closure: 'already-closed' } });
      expect(sandbox.sent.filter((s) => s.clientRef === `job-${jobId}-closed`)).toHaveLength(1);
      expect(await clientStatus(client.pool, jobId)).toBe('CLOSED');
    });

    it('refuses a job that is not completed with 409, an unknown job with 404, a bad id with 400', async () => {
      const jobId = await jobIn('IN PROGRESS');
      expect(await callHttpFunction('closeJob', 'POST', { params: { jobId: String(jobId) } })).toMatchObject({
        status: 409,
        contentType: 'application/problem+json',
        body: { detail: `job ${jobId} is IN PROGRESS; only a JOB COMPLETED job can be closed` },
      });
      expect((await callHttpFunction('closeJob', 'POST', { params: { jobId: '999999' } })).status).toBe(404);
      expect((await callHttpFunction('closeJob', 'POST', { params: { jobId: 'abc' } })).status).toBe(400);
    });
  });

  describe('GET and PUT /api/jobs/{jobId}', () => {
    it('returns the document with its history, writing one job_trans row per GET', async () => {
      const jobId = await jobIn('OPENED');
      const response = await callHttpFunction('getJob', 'GET', { params: { jobId: String(jobId) } });
      expect(response).toMatchObject({ status: 200, body: { job: { id: String(jobId), job_status: 'OPENED' } } });
      expect((response.body.history as unknown[]).length).toBe(4);
      await callHttpFunction('getJob', 'GET', { params: { jobId: String(jobId) } });
      expect((await jobTransRows(ledger.pool, jobId)).filter((r) => r.event_key.startsWith('get-'))).toHaveLength(2);
      expect((await callHttpFunction('getJob', 'GET', { params: { jobId: '999999' } })).status).toBe(404);
    });

    it('moves a job forward and refuses backward, skipped and invalid changes', async () => {
      const jobId = await jobIn('OPENED');
      const put = (body: unknown) => callHttpFunction('changeJobStatus', 'PUT', { params: { jobId: String(jobId) }, body: JSON.stringify(body) });
      expect(await put({ status: 'JOB COMPLETED' })).toMatchObject({ status: 409, body: { detail: expect.stringContaining('one step at a time') } });
      expect(await put({ status: 'DONE' })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('status') } });
      expect(await put({ status: 'IN PROGRESS', note: 'on the bench' })).toMatchObject({ status: 200, body: { outcome: 'moved', job: { job_status: 'IN PROGRESS' } } });
      expect(await put({ status: 'OPENED' })).toMatchObject({ status: 409 });
      expect(await clientStatus(client.pool, jobId)).toBe('IN PROGRESS');
      expect((await jobTransRows(ledger.pool, jobId)).at(-1)).toMatchObject({ Job_status: 'IN PROGRESS', Update_note: expect.stringContaining('on the bench') });
    });

    it('tells the customer of a move made through the API once, as of one the client system made, however often the mirror polls after it', async () => {
      const jobId = await jobIn('OPENED');
      const put = (body: unknown) => callHttpFunction('changeJobStatus', 'PUT', { params: { jobId: String(jobId) }, body: JSON.stringify(body) });
      expect(await put({ status: 'IN PROGRESS' })).toMatchObject({ status: 200, body: { outcome: 'moved' } });
      await Promise.all([relay.pollClientJobs(), deliverDue()]);
      await relay.pollClientJobs();
      await deliverDue();
      expect(sandbox.sent.filter((s) => s.clientRef === `job-${jobId}-in-progress`)).toEqual([expect.objectContaining({ text: expect.stringContaining('started') })]);
      expect(await relay.listNotifications({ jobId, limit: 10 })).toContainEqual(expect.objectContaining({ notificationId: `job-${jobId}-in-progress`, outcome: 'sent', attempts: 1 }));
    });

    it('refuses a status change sent as a form (curl -d without a content type) with 415 and moves nothing', async () => {
      const jobId = await jobIn('OPENED');
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const response = await callHttpFunction('changeJobStatus', 'PUT', { params: { jobId: String(jobId) }, body: '{"status":"IN PROGRESS"}', headers });
      expect(response).toMatchObject({ status: 415, body: { detail: expect.stringContaining('application/json') } });
      expect(await clientStatus(client.pool, jobId)).toBe('OPENED');
    });
  });

  it('GET /api/health reports each dependency', async () => {
    expect(await callHttpFunction('health', 'GET')).toMatchObject({ status: 200, body: { status: 'ok', dependencies: { clientDb: 'ok', ledgerDb: 'ok', cosmos: 'ok' } } });
  });
});
