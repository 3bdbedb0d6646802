import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlClientJobs } from '../../src/adapters/mysql/clientJobs.js';
import { LEDGER_MIGRATIONS, migrateLedger } from '../../src/adapters/mysql/ledgerMigrations.js';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { MysqlPollCheckpoints } from '../../src/adapters/mysql/pollCheckpoints.js';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/pool.js';
import { legacyPhoneLookupKey } from '../../src/adapters/mysql/rekeyPhoneLookups.js';
import { testPhoneKeys } from '../kit/phoneKeys.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { createLedgerDatabase, createThrowawayDatabase, insertClientJobs, type ThrowawayDatabase } from '../kit/mysql.js';
import { LEDGER_MIGRATIONS_2012640 } from '../fixtures/ledgerMigrations2012640.js';

const migrationsDir = path.resolve(__dirname, '../../src/adapters/mysql/migrations');
const NUMBER = '+447770123456';
const MONDAY = new Date('2026-11-23T10:00:00Z');
const LEGACY_STATS_UUID = '2b3c0bb8-9a6e-4b53-a1a0-2f3f2a9a4c11';

/** Each column of the ledger: table, name, type, nullability, default, collation. */
async function columns(pool: MysqlPool): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLLATION_NAME FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, COLUMN_NAME`,
  );
  return rows.map((r) => [r.TABLE_NAME, r.COLUMN_NAME, r.COLUMN_TYPE, r.IS_NULLABLE, r.COLUMN_DEFAULT, r.COLLATION_NAME].join(' '));
}

async function indexes(pool: MysqlPool): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME, INDEX_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME, INDEX_NAME ORDER BY TABLE_NAME, INDEX_NAME`,
  );
  return rows.map((r) => `${r.TABLE_NAME}.${r.INDEX_NAME}(${r.cols})`);
}

describe('the migration files', () => {
  it('are each listed once, in number order, under the name of their file', () => {
    const files = readdirSync(migrationsDir)
      .filter((file) => /^\d{3}-.+\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(LEDGER_MIGRATIONS.map((m) => m.name)).toEqual(files);
  });

  it('keep every name release 2012640 recorded, so an existing ledger runs none of them again', () => {
    const names = LEDGER_MIGRATIONS.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(LEDGER_MIGRATIONS_2012640.map((m) => m.name)));
  });
});

describe('a ledger migrated by release 2012640 (real MariaDB)', () => {
  let client: ThrowawayDatabase;
  let previous: ThrowawayDatabase;
  let fresh: ThrowawayDatabase;
  let statsPool: MysqlPool;

  beforeAll(async () => {
    [client, previous, fresh] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger'), createLedgerDatabase()]);
    // That release's own migrations, its MariaDB-only SQL included, recorded in the same table.
    await migrateLedger(
      previous.pool,
      LEDGER_MIGRATIONS_2012640.map(({ name, statements }) => ({ name, steps: statements })),
    );
    statsPool = createMysqlPool(previous.url, 2, { multipleStatements: true });
    // A message as that release's statistics wrote it: the UUID as 16 raw bytes, its day's bucket.
    await previous.pool.query(
      `INSERT INTO stats_message (uuid, customer_id, type, amount, received_at, ingest_id) VALUES (UNHEX(REPLACE(?, '-', '')), 7, 'Repair', '1.500', ?, 1)`,
      [LEGACY_STATS_UUID, MONDAY],
    );
    await previous.pool.query("INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount) VALUES (2, '2026-11-23 00:00:00', 7, 'Repair', 1, '1.500')");
    await previous.pool.query("INSERT INTO poll_checkpoint (name, last_job_id, sweep_job_id, mirror_job_id, updated_at) VALUES ('client-jobs', 500, 30, 12, UTC_TIMESTAMP(3))");
    await insertClientJobs(client.pool, [{ id: 1, status: 'CLOSED', mobile: '07770 123456' }]);
    // A feedback SMS an instance of a release before PHONE_KEY_SECRET wrote: the legacy key, version 1.
    await previous.pool.query(
      `INSERT INTO sms_log (message_key, Job_id, kind, state, attempts, to_masked, to_hash, to_hash_version, created_at, updated_at)
       VALUES ('job-1-closed', 1, 'job-closed', 'sent', 1, '***456', ?, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [legacyPhoneLookupKey(NUMBER)],
    );
  });

  afterAll(async () => {
    await statsPool?.end();
    await Promise.all([client?.drop(), previous?.drop(), fresh?.drop()]);
  });

  it('refuses to record the re-keying while legacy keys wait and the client database is not given', async () => {
    await expect(migrateLedger(previous.pool)).rejects.toThrow('re-keying them needs CLIENT_DB_URL and PHONE_KEY_SECRET');
    const [rows] = await previous.pool.query<RowDataPacket[]>("SELECT name FROM schema_migrations WHERE name >= '014' ORDER BY name");
    // The schema migrations after that release ran; only the re-keying waits.
    expect(rows.map((row) => String(row.name))).toEqual([
      '014-gateway-health',
      '016-notification-log-settled-content',
      '018-feedback-list-and-inbox-jobs',
      '019-stats-message-any-uuid',
    ]);
  });

  it('migrates to this release: only the new migrations run, and the data stays readable', async () => {
    const deps = { clientJobs: new MysqlClientJobs(client.pool), phoneKeys: testPhoneKeys };
    expect(await migrateLedger(previous.pool, LEDGER_MIGRATIONS, deps)).toEqual(['020-phone-lookup-keys-hmac', '022-staff-actions', '023-console-job-list', '024-console-message-list']);
    expect(await migrateLedger(previous.pool, LEDGER_MIGRATIONS, deps)).toEqual([]);

    const [[rekeyed]] = await previous.pool.query<RowDataPacket[]>("SELECT to_hash, to_hash_version FROM notification_log WHERE message_key = 'job-1-closed'");
    expect(rekeyed).toEqual({ to_hash: testPhoneKeys.lookupKey(NUMBER), to_hash_version: 2 });
    expect(await new MysqlPollCheckpoints(previous.pool).read()).toEqual({ lastJobId: 500, sweepJobId: 30, mirrorJobId: 12 });
    const stats = new MysqlMessageStats(statsPool);
    const range = [{ level: 'day' as const, firstStart: new Date('2026-11-23T00:00:00Z'), lastStart: new Date('2026-11-23T00:00:00Z'), sign: 1 as const }];
    expect(await stats.totals(range, { type: 'Repair' })).toEqual([{ customerId: 7, type: 'Repair', count: 1, totalAmount: '1.500' }]);
    expect(await stats.totals(range, { type: 'repair' })).toEqual([]);
    // The message's id now reads as the UUID's text (the form the edge passes on): the same message again is a duplicate, not a second count.
    expect(await stats.record([{ uuid: LEGACY_STATS_UUID, customerId: 7, type: 'Repair', amount: '1.500' }], MONDAY)).toEqual([{ outcome: 'duplicate' }]);
  });

  it('ends with the schema a fresh ledger gets, but for the statistics type columns it keeps (NO PAD text, not bytes)', async () => {
    const [upgraded, created] = [await columns(previous.pool), await columns(fresh.pool)];
    expect(upgraded.filter((c) => !created.includes(c))).toEqual([
      'stats_bucket type varchar(64) NO  utf8mb4_nopad_bin',
      'stats_message type varchar(64) NO  utf8mb4_nopad_bin',
    ]);
    expect(created.filter((c) => !upgraded.includes(c))).toEqual(['stats_bucket type varbinary(256) NO  ', 'stats_message type varbinary(256) NO  ']);
    expect(await indexes(previous.pool)).toEqual(await indexes(fresh.pool));
  });
});

describe('a migration that stopped part-way', () => {
  let ledger: ThrowawayDatabase;

  beforeAll(async () => {
    ledger = await createLedgerDatabase();
  });
  afterAll(async () => {
    await ledger?.drop();
  });

  it('runs again cleanly: every statement is idempotent or guarded by what it makes (DDL is not transactional)', async () => {
    const before = [await columns(ledger.pool), await indexes(ledger.pool)];
    // As if each migration had run all its statements and stopped before umzug recorded it.
    await ledger.pool.query('DELETE FROM schema_migrations');
    expect(await migrateLedger(ledger.pool)).toEqual(LEDGER_MIGRATIONS.map((m) => m.name));
    expect([await columns(ledger.pool), await indexes(ledger.pool)]).toEqual(before);
  });
});
