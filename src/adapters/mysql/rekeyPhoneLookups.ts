import { createHash } from 'node:crypto';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { ClientJobs } from '../../domain/jobs/ports.js';
import { toE164 } from '../../domain/shared/phone.js';
import type { PhoneKeys } from '../../domain/shared/ports.js';
import { SMS_TO_HASH_VERSION } from './migrations/005-sms-log-to-hash-version.js';
import { withNamedLock, type MysqlPool } from './pool.js';

/*
 * A data migration, recorded once as 020-phone-lookup-keys-hmac: `notification_log` rows
 * whose `to_hash` is still the bare SHA-256 key of older releases (`to_hash_version` 1) get the
 * HMAC key of PhoneKeys. The ledger never stored the number, so it is read again from the client's
 * `Jobs` row of the SMS (by primary key, in batches) and accepted only if it still gives the old
 * key: an SMS whose job is gone, or whose number has changed or become unusable since, gets
 * `to_hash` NULL, so a reply is never matched to an SMS sent to another number.
 */

/** The key older releases stored: SHA-256 of a context string and the E.164 number, no secret. */
export function legacyPhoneLookupKey(e164: string): string {
  return createHash('sha256').update(`repair-relay:phone-lookup:v1:${e164}`).digest('hex');
}

export interface RekeyReport {
  /** Rows read that still held the legacy key (or none, with version 1). */
  scanned: number;
  /** Rows whose number was confirmed and re-keyed. */
  rekeyed: number;
  /** Rows whose job or number is gone or changed: `to_hash` is now NULL. */
  cleared: number;
}

export interface RekeyDeps {
  ledgerPool: MysqlPool;
  clientJobs: Pick<ClientJobs, 'readJobs'>;
  phoneKeys: PhoneKeys;
  /** Rows per batch, and so the most job ids per read of `Jobs`; default 500. */
  batchSize?: number;
  /** How long an instance waits for another one to finish before it works alongside it (safe, only slower); default 60. */
  lockWaitSeconds?: number;
}

const LOCK_NAME = 'repair-relay-phone-key-rekey';

interface LegacyRow extends RowDataPacket {
  message_key: string;
  Job_id: number;
  to_hash: string | null;
}

/**
 * Re-keys every `to_hash_version` 1 row. Idempotent: each row is updated only while it still
 * holds the version and key that were read, so instances running it together (the named lock
 * normally makes them take turns) never overwrite each other, and a second run finds nothing.
 */
export async function rekeyPhoneLookups(deps: RekeyDeps): Promise<RekeyReport> {
  const batchSize = deps.batchSize ?? 500;
  return withNamedLock(deps.ledgerPool, LOCK_NAME, deps.lockWaitSeconds ?? 60, async (connection) => {
    const report: RekeyReport = { scanned: 0, rekeyed: 0, cleared: 0 };
    for (let after = ''; ; ) {
      const [rows] = await connection.query<LegacyRow[]>(
        `SELECT message_key, Job_id, to_hash FROM notification_log
         WHERE to_hash_version = ? AND message_key > ? ORDER BY message_key LIMIT ?`,
        [SMS_TO_HASH_VERSION.legacySha256, after, batchSize],
      );
      if (rows.length === 0) return report;
      after = rows.at(-1)!.message_key;
      report.scanned += rows.length;

      const jobIds = [...new Set(rows.filter((row) => row.to_hash !== null).map((row) => Number(row.Job_id)))];
      const mobiles = new Map((await deps.clientJobs.readJobs(jobIds)).map((job) => [job.jobId, job.mobile]));
      await connection.beginTransaction();
      try {
        for (const row of rows) {
          const key = row.to_hash === null ? null : confirmedKey(deps.phoneKeys, row.to_hash, mobiles.get(Number(row.Job_id)));
          const [result] = await connection.query<ResultSetHeader>(
            'UPDATE notification_log SET to_hash = ?, to_hash_version = ? WHERE message_key = ? AND to_hash_version = ? AND to_hash <=> ?',
            [key, SMS_TO_HASH_VERSION.hmac, row.message_key, SMS_TO_HASH_VERSION.legacySha256, row.to_hash],
          );
          if (result.affectedRows === 1 && row.to_hash !== null) report[key === null ? 'cleared' : 'rekeyed'] += 1;
        }
        await connection.commit();
      } catch (error) {
        await connection.rollback();
        throw error;
      }
    }
  });
}

/** The new key of the job's current number, if that number is the one the legacy key was made from. */
function confirmedKey(phoneKeys: PhoneKeys, legacyKey: string, mobile: string | null | undefined): string | null {
  const phone = toE164(mobile);
  if (!phone.ok || legacyPhoneLookupKey(phone.e164) !== legacyKey) return null;
  return phoneKeys.lookupKey(phone.e164);
}
