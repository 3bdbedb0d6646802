import { expect, it } from 'vitest';
import { MysqlBroadcasts } from '../../../src/adapters/mysql/broadcasts.js';
import type { Broadcasts } from '../../../src/domain/broadcasts/ports.js';
import { FakeBroadcasts } from './broadcasts.fake.js';
import { createLedgerDatabase } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation } from '../harness.js';

/** The write time the domain passes to these writes. */
const AT = new Date('2026-11-23T09:00:00.000Z');

const ledgerDb = databasePerFile(createLedgerDatabase);

describeContract<Broadcasts>(
  'Broadcasts',
  [fakeImplementation(() => new FakeBroadcasts()), mysqlImplementation(ledgerDb, ['broadcasts'], (pool) => new MysqlBroadcasts(pool))],
  (subject) => {
    const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const record = { broadcastId: ID, requestHash: 'a'.repeat(64), recipients: 3, createdAt: new Date('2026-11-24T10:00:00.123Z') };
    const counts = { recipients: 3, sendingNow: 1, scheduled: 1, skipped: 1 };

    it('starts a broadcast once: a second start finds it, unchanged, without counts until it completes', async () => {
      const broadcasts = subject();
      expect(await broadcasts.start(record)).toEqual({ outcome: 'started' });
      expect(await broadcasts.start({ ...record, requestHash: 'b'.repeat(64), recipients: 9 })).toEqual({ outcome: 'exists', broadcast: { ...record, counts: null } });
    });

    it('keeps the first counts it completes with', async () => {
      const broadcasts = subject();
      await broadcasts.start(record);
      await broadcasts.complete(ID, counts, AT);
      await broadcasts.complete(ID, { ...counts, sendingNow: 3, scheduled: 0, skipped: 0 }, AT);
      expect(await broadcasts.start(record)).toEqual({ outcome: 'exists', broadcast: { ...record, counts } });
    });

    it('lets exactly one of two concurrent starts of an id win', async () => {
      const broadcasts = subject();
      const results = await Promise.all([broadcasts.start(record), broadcasts.start(record)]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['exists', 'started']);
    });
  },
);
