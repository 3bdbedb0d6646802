import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlClientJobs } from '../../src/adapters/mysql/clientJobs.js';
import { MysqlJobTransactions } from '../../src/adapters/mysql/jobTransactions.js';
import { LEDGER_MIGRATIONS, migrateLedger } from '../../src/adapters/mysql/ledgerMigrations.js';
import { MysqlPollCheckpoints } from '../../src/adapters/mysql/pollCheckpoints.js';
import { MysqlNotificationLog } from '../../src/adapters/mysql/notificationLog.js';
import { clientStatus, createLedgerDatabase, createThrowawayDatabase, insertClientJobs, jobTransRows, type ThrowawayDatabase } from '../kit/mysql.js';
import { createClientDatabase } from '../support/clientDatabase.js';

let client: ThrowawayDatabase;
let ledger: ThrowawayDatabase;

beforeAll(async () => {
  [client, ledger] = await Promise.all([createClientDatabase(), createLedgerDatabase()]);
});
afterAll(async () => {
  await Promise.all([client?.drop(), ledger?.drop()]);
});

describe('MysqlClientJobs', () => {
  it('reads by key range and updates only from the expected status', async () => {
    await insertClientJobs(client.pool, [{ id: 3 }, { id: 1 }, { id: 2, status: 'IN PROGRESS' }, { id: 10 }, { id: 7, mobile: null }]);
    const jobs = new MysqlClientJobs(client.pool);

    expect((await jobs.readJobsAfter(1, 2)).map((j) => j.jobId)).toEqual([2, 3]);
    expect((await jobs.readNewJobsInRange(1, 10)).map((j) => j.jobId)).toEqual([3, 7, 10]);
    const [seven] = await jobs.readJobs([7]);
    expect(seven).toMatchObject({ jobId: 7, status: 'NEW', mobile: null, firstName: 'Joe', productType: 'spider catcher' });

    expect(await jobs.moveStatus(3, 'NEW', 'OPENED')).toBe(true);
    expect(await jobs.moveStatus(3, 'NEW', 'OPENED')).toBe(false);
    expect(await jobs.moveStatus(2, 'NEW', 'OPENED')).toBe(false);
    expect(await clientStatus(client.pool, 3)).toBe('OPENED');
    expect(await clientStatus(client.pool, 2)).toBe('IN PROGRESS');
  });

  it('finds new jobs through the primary key, never a table scan', async () => {
    const [plan] = await client.pool.query<import('mysql2').RowDataPacket[]>(
      "EXPLAIN SELECT Job_id FROM Jobs WHERE Job_id > 5 AND Job_id <= 100 AND Job_status = 'NEW' ORDER BY Job_id",
    );
    expect(plan[0]).toMatchObject({ key: 'PRIMARY', type: 'range' });
  });
});

describe('ledger migrations', () => {
  it('apply once and are a no-op when run again, even concurrently', async () => {
    expect(await migrateLedger(ledger.pool)).toEqual([]);
    const again = await Promise.all([migrateLedger(ledger.pool), migrateLedger(ledger.pool)]);
    expect(again).toEqual([[], []]);
    const [rows] = await ledger.pool.query<import('mysql2').RowDataPacket[]>('SELECT name FROM schema_migrations');
    expect(rows.map((r) => r.name)).toEqual(LEDGER_MIGRATIONS.map((m) => m.name));
  });

  it('give a checkpoint saved before the mirror cursor existed a cursor of 0, keeping the rest', async () => {
    const old = await createThrowawayDatabase('ledger');
    try {
      await migrateLedger(old.pool, LEDGER_MIGRATIONS.filter((m) => !m.name.endsWith('-poll-checkpoint-mirror-cursor')));
      await old.pool.query("INSERT INTO poll_checkpoint (name, last_job_id, sweep_job_id, updated_at) VALUES ('client-jobs', 500, 30, UTC_TIMESTAMP(3))");
      await migrateLedger(old.pool);
      expect(await new MysqlPollCheckpoints(old.pool).read()).toEqual({ lastJobId: 500, sweepJobId: 30, mirrorJobId: 0 });
    } finally {
      await old.drop();
    }
  });
});

describe('MysqlJobTransactions', () => {
  it('writes the seed columns and ignores a repeated event key', async () => {
    const transactions = new MysqlJobTransactions(ledger.pool);
    const at = new Date('2026-11-23T10:00:00.123Z');
    const row = { jobId: 42, status: 'NEW', note: 'Job ingested', event: 'INGEST' as const, eventKey: 'job-42-status-NEW', at };
    await transactions.append([row, { ...row, eventKey: 'job-42-x', note: 'x'.repeat(2000) }]);
    await transactions.append([row]);
    const rows = await jobTransRows(ledger.pool, 42);
    expect(rows.map((r) => r.event_key)).toEqual(['job-42-status-NEW', 'job-42-x']);
    expect(rows[1]?.Update_note).toHaveLength(1024);
    const [[stored]] = await ledger.pool.query<import('mysql2').RowDataPacket[]>(
      "SELECT creationDate FROM job_trans WHERE event_key = 'job-42-status-NEW'",
    );
    expect((stored?.creationDate as Date).toISOString()).toBe(at.toISOString());
  });
});

describe('MysqlNotificationLog', () => {
  it('registers once and changes state only from the expected state', async () => {
    const log = new MysqlNotificationLog(ledger.pool);
    const entry = { messageKey: 'job-5-received', jobId: 5, kind: 'job-received' as const, state: 'queued' as const, toMasked: '***456', toHash: null, detail: null, customerId: null, channel: 'sms' as const, reason: null };
    const registeredAt = new Date('2026-11-23T09:00:00.000Z');
    const sentAt = new Date('2026-11-23T09:00:01.250Z');
    await log.register([entry], registeredAt);
    await log.register([{ ...entry, state: 'skipped' }], sentAt);
    expect(await log.get('job-5-received')).toMatchObject({ state: 'queued', attempts: 0, createdAt: registeredAt });

    const claims = await Promise.all([log.claimForSending('job-5-received', 'queued', 0, 'vonage-sms', sentAt), log.claimForSending('job-5-received', 'queued', 0, 'vonage-sms', sentAt)]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await log.record('job-5-received', 'queued', { state: 'sent' }, sentAt)).toBe(false);
    expect(await log.record('job-5-received', 'sending', { state: 'sent', providerMessageId: 'ABC', price: '0.033' }, sentAt)).toBe(true);
    const settled = await log.get('job-5-received');
    expect(settled).toMatchObject({ state: 'sent', attempts: 1, providerMessageId: 'ABC', price: '0.033', createdAt: registeredAt, updatedAt: sentAt, settledAt: sentAt });
    expect(await log.getMany(['job-5-received', 'missing'])).toHaveLength(1);
  });
});
