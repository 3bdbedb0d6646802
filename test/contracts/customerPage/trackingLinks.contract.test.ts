import { expect, it } from 'vitest';
import { MysqlTrackingLinks } from '../../../src/adapters/mysql/trackingLinks.js';
import type { TrackingLinkLedger } from '../../../src/domain/customerPage/trackingLinks.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { testTrackingTokens } from '../../kit/trackingLinks.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';
import { FakeTrackingLinkLedger } from './trackingLinks.fake.js';

const ledgerDb = databasePerFile(createLedgerDatabase);
const hashOf = (jobId: number) => testTrackingTokens.hashOf(testTrackingTokens.tokenFor(jobId))!;

describeContract<TrackingLinkLedger>(
  'TrackingLinkLedger',
  [fakeImplementation(() => new FakeTrackingLinkLedger()), mysqlImplementation(ledgerDb, ['tracking_links'], (pool) => new MysqlTrackingLinks(pool))],
  (subject) => {
    it('finds the job of a remembered hash, nothing for any other, and keeps the first job a hash was remembered for', async () => {
      const ledger = subject();
      const at = new Date('2026-12-08T10:00:00.000Z');
      await ledger.remember([], at);
      await ledger.remember([{ tokenHash: hashOf(1), jobId: 1 }, { tokenHash: hashOf(2), jobId: 2 }], at);
      await ledger.remember([{ tokenHash: hashOf(1), jobId: 1 }, { tokenHash: hashOf(2), jobId: 99 }], at);
      expect(await ledger.jobOf(hashOf(1))).toBe(1);
      expect(await ledger.jobOf(hashOf(2))).toBe(2);
      expect(await ledger.jobOf(hashOf(3))).toBeUndefined();
      // Case matters: a hash is hex, and another spelling is another hash.
      expect(await ledger.jobOf(hashOf(1).toUpperCase())).toBeUndefined();
    });
  },
);
