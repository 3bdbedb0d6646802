import type { RowDataPacket } from 'mysql2/promise';
import { rekeyPhoneLookups } from '../rekeyPhoneLookups.js';
import { SMS_TO_HASH_VERSION } from './005-sms-log-to-hash-version.js';
import type { LedgerMigration } from './migration.js';

// The phone lookup keys of releases before PHONE_KEY_SECRET become HMAC keys, once per ledger
// (it used to run at every start). A ledger without such rows needs neither the client database
// nor the secret, so tests and fresh ledgers migrate without them.
export const phoneLookupKeysHmac: LedgerMigration = {
  name: '020-phone-lookup-keys-hmac',
  async run({ connection, ledgerPool, clientJobs, phoneKeys }) {
    if (clientJobs && phoneKeys) {
      await rekeyPhoneLookups({ ledgerPool, clientJobs, phoneKeys });
      return;
    }
    const [legacy] = await connection.query<RowDataPacket[]>('SELECT 1 FROM notification_log WHERE to_hash_version = ? LIMIT 1', [
      SMS_TO_HASH_VERSION.legacySha256,
    ]);
    if (legacy.length > 0) throw new Error('the ledger holds legacy phone lookup keys: re-keying them needs CLIENT_DB_URL and PHONE_KEY_SECRET');
  },
};
