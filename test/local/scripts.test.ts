import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPaymentSignature } from '../../src/adapters/signatures/paymentSignature.js';
import { toE164 } from '../../src/domain/shared/phone.js';
import { DEMO_JOBS, describeDemoJob, runDemo } from '../../scripts/lib/demoJobs.js';
import { LocalMysqlError, prepareLocalMysql } from '../../dev/mysql.js';
import { redactUrl } from '../../dev/settings.js';
import { buildPaymentRequest, normaliseAmount, parseJobId, PaymentInputError } from '../../scripts/lib/paymentRequest.js';
import { MYSQL_SERVER_URL, insertClientJobs } from '../kit/mysql.js';
import { createClientDatabase } from '../support/clientDatabase.js';

const created: string[] = [];

afterAll(async () => {
  const admin = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.end();
});

function freshUrl(purpose: string): string {
  const name = `rr_test_${purpose}_${randomBytes(4).toString('hex')}`;
  created.push(name);
  return new URL(name, MYSQL_SERVER_URL).toString();
}

describe('npm run pay', () => {
  it('writes amounts with exactly three decimals without going through a float', () => {
    expect(normaliseAmount('45.5')).toBe('45.500');
    expect(normaliseAmount('45')).toBe('45.000');
    expect(normaliseAmount('045.50')).toBe('45.500');
    expect(normaliseAmount('0.1')).toBe('0.100');
    expect(normaliseAmount('123456789012.999')).toBe('123456789012.999');
    for (const bad of ['45.5000', '-1', '1e3', '4,50', '', '.5']) expect(() => normaliseAmount(bad), bad).toThrow(PaymentInputError);
    expect(parseJobId('42')).toBe(42);
    for (const bad of ['0', '-3', '4.2', 'x', '99999999999']) expect(() => parseJobId(bad), bad).toThrow(PaymentInputError);
  });

  it('signs the raw body as DESIGN.md says: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    const now = new Date('2026-11-23T09:00:00.000Z');
    const request = buildPaymentRequest({ jobId: 17, amount: '45.5', secret: 's3cret', now });
    expect(JSON.parse(request.body)).toEqual({
      paymentId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      jobId: 17,
      amount: '45.500',
      currency: 'GBP',
      paidAt: '2026-11-23T09:00:00.000Z',
    });
    expect(request.headers['x-signature']).toMatch(/^t=1795424400,v1=[0-9a-f]{64}$/);
    expect(verifyPaymentSignature(request.headers['x-signature']!, request.body, 's3cret', now.getTime() / 1000)).toEqual({ ok: true });
    expect(verifyPaymentSignature(request.headers['x-signature']!, request.body, 'other', now.getTime() / 1000).ok).toBe(false);
    expect(buildPaymentRequest({ jobId: 1, amount: '1', secret: 'x', paymentId: 'fixed' }).payment.paymentId).toBe('fixed');
  });
});

describe('npm run demo', () => {
  it('has realistic jobs: valid GB mobiles written different ways, and one customer without a mobile', () => {
    const mobiles = DEMO_JOBS.map((job) => job.mobile);
    expect(mobiles.filter((m) => m === null)).toHaveLength(1);
    for (const mobile of mobiles.filter((m): m is string => m !== null)) expect(toE164(mobile), mobile).toMatchObject({ ok: true, e164: expect.stringMatching(/^\+447\d{9}$/) });
    expect(new Set(mobiles.map((m) => m?.slice(-3))).size).toBe(mobiles.length);
  });

  it('creates the client database and Jobs table when missing, and inserts NEW jobs above the highest id', async () => {
    const url = freshUrl('demo');
    const first = await runDemo(url);
    expect(first.createdJobsTable).toBe(true);
    expect(first.jobs.map((j) => j.id)).toEqual([1, 2, 3, 4]);

    const client = await createClientDatabase();
    try {
      await insertClientJobs(client.pool, [{ id: 500, status: 'OPENED' }]);
      const { jobs, createdJobsTable } = await runDemo(client.url);
      expect(createdJobsTable).toBe(false);
      expect(jobs.map((j) => j.id)).toEqual([501, 502, 503, 504]);
      const [rows] = await client.pool.query<mysql.RowDataPacket[]>('SELECT Job_id, Job_status, Client_mobile FROM Jobs WHERE Job_id > 500 ORDER BY Job_id');
      expect(rows.map((r) => r.Job_status)).toEqual(['NEW', 'NEW', 'NEW', 'NEW']);
      expect(rows.map((r) => r.Client_mobile)).toEqual(DEMO_JOBS.map((j) => j.mobile));
      expect(jobs.map(describeDemoJob).join('\n')).not.toMatch(/\d{6}/);
    } finally {
      await client.drop();
    }
  });
});

describe('local MySQL preparation', () => {
  it('creates both local databases and the seed Jobs table, and reports what it did', async () => {
    const [clientUrl, ledgerUrl] = [freshUrl('client'), freshUrl('ledger')];
    const first = await prepareLocalMysql(clientUrl, ledgerUrl);
    expect(first).toMatchObject({ client: { createdDatabase: true, createdJobsTable: true }, ledger: { createdDatabase: true } });
    const second = await prepareLocalMysql(clientUrl, ledgerUrl);
    expect(second).toMatchObject({ client: { createdDatabase: false, createdJobsTable: false }, ledger: { createdDatabase: false } });

    const admin = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
    const [columns] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
      [new URL(clientUrl).pathname.slice(1), 'Jobs'],
    );
    await admin.end();
    expect(columns.map((c) => `${c.c} ${c.t}`)).toEqual([
      'Job_id int',
      'Job_type varchar',
      'Job_status varchar',
      'Client_firstname varchar',
      'Client_lastname varchar',
      'Client_postcode varchar',
      'Client_mobile varchar',
      'Product_id varchar',
      'Product_type varchar',
    ]);
  });

  it('fails with an actionable message when the server is unreachable, without printing a password', async () => {
    const error = await prepareLocalMysql('mysql://root:hunter2@127.0.0.1:1/repair_client', 'mysql://root@127.0.0.1:1/repair_ledger').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalMysqlError);
    expect((error as Error).message).toContain('MySQL is not reachable at mysql://root:***@127.0.0.1:1/repair_client');
    expect((error as Error).message).toContain('CLIENT_DB_URL');
    expect((error as Error).message).not.toContain('hunter2');
    expect(redactUrl('mysql://u:p@h/db')).toBe('mysql://u:***@h/db');
  });
});
