import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlClientJobs } from '../../src/adapters/mysql/clientJobs.js';
import { MysqlCustomerFeedback } from '../../src/adapters/mysql/feedback.js';
import { MysqlJobTransactions } from '../../src/adapters/mysql/jobTransactions.js';
import { LEDGER_MIGRATIONS, migrateLedger } from '../../src/adapters/mysql/ledgerMigrations.js';
import { legacyPhoneLookupKey, rekeyPhoneLookups } from '../../src/adapters/mysql/rekeyPhoneLookups.js';
import { MysqlNotificationLog } from '../../src/adapters/mysql/notificationLog.js';
import { HmacPhoneKeys } from '../../src/adapters/signatures/phoneKeys.js';
import { buildRelay } from '../../src/compositionRoot.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { inboundSmsDeps } from '../../src/domain/feedback/inboundWiring.js';
import { recordInboundSms } from '../../src/domain/feedback/recordReply.js';
import { Outbox } from '../../src/domain/notifications/outbox.js';
import { FakeClock } from '../kit/clock.js';
import { FakeCustomers } from '../contracts/customers/customers.fake.js';
import { FakeDiscountCodes } from '../contracts/discounts/discountCodes.fake.js';
import { FakeInbox } from '../contracts/inbox/inbox.fake.js';
import { FakeJobDocuments } from '../contracts/jobs/jobDocuments.fake.js';
import { MemoryLogger } from '../kit/logger.js';
import { FakeNotificationQueue } from '../contracts/notifications/notificationQueue.fake.js';
import { TEST_PHONE_KEY_SECRET, testPhoneKeys } from '../kit/phoneKeys.js';
import { calendarOf } from '../support/world.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { createThrowawayDatabase, insertClientJobs, type ThrowawayDatabase } from '../kit/mysql.js';

const NUMBER = '+447770123456';

/** The key every release before PHONE_KEY_SECRET stored: phoneLookupKey() of src/domain/shared/phone.ts, verbatim. */
const oldReleaseKey = (e164: string) => createHash('sha256').update(`repair-relay:phone-lookup:v1:${e164}`).digest('hex');

describe('HmacPhoneKeys', () => {
  it('gives a stable 64-hex HMAC that depends on the secret and is not the old bare hash', () => {
    const key = testPhoneKeys.lookupKey(NUMBER);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(testPhoneKeys.lookupKey(NUMBER)).toBe(key);
    expect(testPhoneKeys.lookupKey('+447770123457')).not.toBe(key);
    expect(new HmacPhoneKeys(`${TEST_PHONE_KEY_SECRET}-other`).lookupKey(NUMBER)).not.toBe(key);
    expect(key).not.toBe(oldReleaseKey(NUMBER));
    expect(legacyPhoneLookupKey(NUMBER)).toBe(oldReleaseKey(NUMBER));
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new HmacPhoneKeys('x'.repeat(31))).toThrow('at least 32 characters');
  });
});

describe('PHONE_KEY_SECRET setting', () => {
  const base = { COSMOS_ENDPOINT: 'https://127.0.0.1:8081/', VONAGE_API_KEY: 'k', VONAGE_API_SECRET: 's' };

  it('is required by the app: buildRelay stops with a ConfigError before touching any store', async () => {
    const building = buildRelay(loadConfig(base), { queue: new FakeNotificationQueue() });
    await expect(building).rejects.toBeInstanceOf(ConfigError);
    await expect(building).rejects.toThrow('Missing setting PHONE_KEY_SECRET');
  });

  it('must be at least 32 characters, and the error never shows the value', () => {
    const attempt = () => loadConfig({ ...base, PHONE_KEY_SECRET: 'too-short-secret-value' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PHONE_KEY_SECRET: must be at least 32 characters/);
    expect(attempt).not.toThrow(/too-short-secret-value/);
  });

  it('refuses a Key Vault reference Azure could not resolve, naming the setting only', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://kv-x.vault.azure.net/secrets/phone-key-secret/)';
    const attempt = () => loadConfig({ ...base, PHONE_KEY_SECRET: reference });
    expect(attempt).toThrow(/PHONE_KEY_SECRET: is a Key Vault reference the platform could not resolve/);
    expect(attempt).not.toThrow(/kv-x/);
  });
});

describe('re-keying legacy notification_log.to_hash values (real MariaDB)', () => {
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  const deps = () => ({ ledgerPool: ledger.pool, clientJobs: new MysqlClientJobs(client.pool), phoneKeys: testPhoneKeys });

  /** An sms_log row as a release before PHONE_KEY_SECRET wrote it (no to_hash_version: the column default); after migration 010 sms_log is a view of notification_log. */
  async function insertLegacyRow(messageKey: string, jobId: number, toHash: string | null, state = 'sent'): Promise<void> {
    await ledger.pool.query(
      `INSERT INTO sms_log (message_key, Job_id, kind, state, attempts, to_masked, to_hash, created_at, updated_at)
       VALUES (?, ?, ?, ?, 1, '***456', ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [messageKey, jobId, messageKey.endsWith('closed') ? 'job-closed' : 'job-received', state, toHash],
    );
  }

  async function row(messageKey: string): Promise<{ to_hash: string | null; to_hash_version: number } | undefined> {
    const [rows] = await ledger.pool.query<RowDataPacket[]>('SELECT to_hash, to_hash_version FROM notification_log WHERE message_key = ?', [messageKey]);
    return rows[0] as { to_hash: string | null; to_hash_version: number } | undefined;
  }

  beforeAll(async () => {
    [client, ledger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
    // The ledger as the previous release left it: migrations 001-003 only.
    await migrateLedger(ledger.pool, LEDGER_MIGRATIONS.filter((m) => m.name < '004'));
    await insertClientJobs(client.pool, [
      { id: 1, status: 'CLOSED', mobile: '07770 123456' },
      { id: 3, status: 'CLOSED', mobile: '07911 123456' },
      { id: 4, status: 'CLOSED', mobile: '' },
      { id: 5, status: 'OPENED', mobile: 'not a number' },
      { id: 6, status: 'CLOSED', mobile: '+44 7789 654321' },
    ]);
    await insertLegacyRow('job-1-received', 1, oldReleaseKey(NUMBER));
    await insertLegacyRow('job-1-closed', 1, oldReleaseKey(NUMBER));
    await insertLegacyRow('job-2-closed', 2, oldReleaseKey('+447770222222')); // job deleted from Jobs since
    await insertLegacyRow('job-3-closed', 3, oldReleaseKey('+447770333333')); // number changed since
    await insertLegacyRow('job-4-closed', 4, oldReleaseKey('+447770444444')); // number removed since
    await insertLegacyRow('job-5-received', 5, null, 'skipped'); // never had a usable number
    await insertLegacyRow('job-6-closed', 6, oldReleaseKey('+447789654321'));
    // Every schema migration; the tests below run the re-keying (migration 020) themselves.
    await migrateLedger(ledger.pool, LEDGER_MIGRATIONS.filter((m) => m.name < '020'));
  });

  afterAll(async () => {
    await Promise.all([client?.drop(), ledger?.drop()]);
  });

  it('marks the rows of earlier releases as legacy keys (to_hash_version 1)', async () => {
    expect(await row('job-1-closed')).toEqual({ to_hash: oldReleaseKey(NUMBER), to_hash_version: 1 });
  });

  it('re-keys a row only when the job still has the number the old key was made from, and clears the others', async () => {
    const report = await rekeyPhoneLookups({ ...deps(), batchSize: 2 });
    expect(report).toEqual({ scanned: 7, rekeyed: 3, cleared: 3 });
    expect(await row('job-1-received')).toEqual({ to_hash: testPhoneKeys.lookupKey(NUMBER), to_hash_version: 2 });
    expect(await row('job-1-closed')).toEqual({ to_hash: testPhoneKeys.lookupKey(NUMBER), to_hash_version: 2 });
    expect(await row('job-6-closed')).toEqual({ to_hash: testPhoneKeys.lookupKey('+447789654321'), to_hash_version: 2 });
    for (const key of ['job-2-closed', 'job-3-closed', 'job-4-closed', 'job-5-received']) {
      expect(await row(key), key).toEqual({ to_hash: null, to_hash_version: 2 });
    }
  });

  it('is idempotent: a second run finds nothing', async () => {
    expect(await rekeyPhoneLookups(deps())).toEqual({ scanned: 0, rekeyed: 0, cleared: 0 });
    expect(await row('job-1-closed')).toEqual({ to_hash: testPhoneKeys.lookupKey(NUMBER), to_hash_version: 2 });
  });

  it('still matches the customer reply to the feedback SMS after re-keying', async () => {
    const logger = new MemoryLogger();
    const reply = (messageId: string, from: string, text: string) =>
      recordInboundSms(
        inboundSmsDeps(
          {
            notificationLog: new MysqlNotificationLog(ledger.pool),
            phoneKeys: testPhoneKeys,
            feedback: new MysqlCustomerFeedback(ledger.pool),
            customers: new FakeCustomers(),
            documents: new FakeJobDocuments(),
            transactions: new MysqlJobTransactions(ledger.pool),
            clock: new FakeClock(),
            logger,
            codes: new FakeDiscountCodes(),
            // No reward brand and always open: nothing is sent.
            outbox: new Outbox({ log: new MysqlNotificationLog(ledger.pool), queue: new FakeNotificationQueue(), phoneKeys: testPhoneKeys, onSettled: { settled: async () => undefined }, clock: new FakeClock() }),
            inbox: new FakeInbox(),
            calendar: calendarOf('Mon-Sun 00:00-24:00'),
          },
          { rewardBrand: undefined, autoReplyCountryCodes: ['44'], stopUnsubscribesAllChannels: false },
        ),
        { messageId, from, text, channel: 'sms' },
      );
    expect(await reply('inbound-1', '447770123456', '5 stars')).toEqual({ outcome: 'recorded', jobId: 1, score: 5 });
    // Job 3's feedback SMS went to a number the job no longer has: its key was cleared, so no match.
    expect(await reply('inbound-2', '447770333333', '1')).toEqual({ outcome: 'kept', autoReply: 'none' });
    expect(JSON.stringify(logger.lines)).not.toContain('447770333333');
  });

  it('leaves rows the app writes now alone, and re-keys a legacy row an older instance writes later', async () => {
    await new MysqlNotificationLog(ledger.pool).register([
      { messageKey: 'job-6-received', jobId: 6, kind: 'job-received', state: 'queued', toMasked: '***321', toHash: testPhoneKeys.lookupKey('+447789654321'), detail: null, customerId: null, channel: 'sms' as const, reason: null },
    ], new FakeClock().now());
    expect(await row('job-6-received')).toEqual({ to_hash: testPhoneKeys.lookupKey('+447789654321'), to_hash_version: 2 });
    await insertLegacyRow('job-3-received', 3, oldReleaseKey('+447911123456'));
    expect(await rekeyPhoneLookups(deps())).toEqual({ scanned: 1, rekeyed: 1, cleared: 0 });
    expect(await row('job-3-received')).toEqual({ to_hash: testPhoneKeys.lookupKey('+447911123456'), to_hash_version: 2 });
  });

  it('is safe when instances run it at the same time, with or without the lock: every row is re-keyed exactly once', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => 1000 + i);
    const mobile = (id: number) => `07770 ${String(100000 + id)}`;
    await insertClientJobs(client.pool, ids.map((id) => ({ id, status: 'CLOSED', mobile: mobile(id) })));
    const insertAll = async () => {
      for (const id of ids) await insertLegacyRow(`job-${id}-closed`, id, oldReleaseKey(`+447770${100000 + id}`));
    };
    const verifyAll = async () => {
      const [rows] = await ledger.pool.query<RowDataPacket[]>(
        'SELECT Job_id, to_hash, to_hash_version FROM notification_log WHERE Job_id >= 1000 ORDER BY Job_id',
      );
      expect(rows).toHaveLength(ids.length);
      for (const r of rows) {
        expect(r.to_hash_version).toBe(2);
        expect(r.to_hash).toBe(testPhoneKeys.lookupKey(`+447770${100000 + Number(r.Job_id)}`));
      }
    };

    await insertAll();
    const locked = await Promise.all([1, 2, 3].map(() => rekeyPhoneLookups({ ...deps(), batchSize: 40 })));
    expect(locked.reduce((sum, r) => sum + r.rekeyed, 0)).toBe(ids.length);
    expect(locked.filter((r) => r.scanned > 0)).toHaveLength(1); // the others waited for the lock and found nothing
    await verifyAll();

    await ledger.pool.query('DELETE FROM notification_log WHERE Job_id >= 1000');
    await insertAll();
    // lockWaitSeconds 0: the instances that do not get the lock work alongside the one that has it.
    // Each waits at its first read of Jobs until all three have read the same first batch.
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const overlapping = () => {
      const jobs = new MysqlClientJobs(client.pool);
      let first = true;
      return {
        async readJobs(jobIds: readonly number[]) {
          if (first) {
            first = false;
            if (++arrived === 3) release();
            await allArrived;
          }
          return jobs.readJobs(jobIds);
        },
      };
    };
    const unlocked = await Promise.all(
      [1, 2, 3].map(() => rekeyPhoneLookups({ ...deps(), clientJobs: overlapping(), batchSize: 25, lockWaitSeconds: 0 })),
    );
    expect(unlocked.every((r) => r.scanned >= 25)).toBe(true);
    expect(unlocked.reduce((sum, r) => sum + r.rekeyed, 0)).toBe(ids.length);
    await verifyAll();
  });
});
