import { expect, it, vi } from 'vitest';
import { CosmosJobDocuments } from '../../../src/adapters/cosmos/jobDocuments.js';
import { MysqlClientJobs } from '../../../src/adapters/mysql/clientJobs.js';
import { MysqlJobTracking } from '../../../src/adapters/mysql/jobTracking.js';
import { MysqlJobTransactions } from '../../../src/adapters/mysql/jobTransactions.js';
import { MysqlPollCheckpoints } from '../../../src/adapters/mysql/pollCheckpoints.js';
import { toJobDocument, type ClientJob, type JobDocument } from '../../../src/domain/jobs/job.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransaction, JobTransactions, PollCheckpoints } from '../../../src/domain/jobs/ports.js';
import { startLocalCosmos } from '../../kit/cosmos.js';
import { clientJob, FakeClientJobs } from './clientJobs.fake.js';
import { FakeCheckpoints } from './pollCheckpoints.fake.js';
import { FakeJobDocuments } from './jobDocuments.fake.js';
import { FakeJobTracking } from './jobTracking.fake.js';
import { FakeJobTransactions } from './jobTransactions.fake.js';
import { createClientDatabase } from '../../support/clientDatabase.js';
import { createLedgerDatabase, insertClientJobRows } from '../../kit/mysql.js';
import { databasePerFile, describeContract, fakeImplementation, mysqlImplementation, type Implementation } from '../harness.js';

/** The write time the domain passes to these writes. */
const AT = new Date('2026-11-23T09:00:00.000Z');

const clientDb = databasePerFile(createClientDatabase);
const ledgerDb = databasePerFile(createLedgerDatabase);

// ---------------------------------------------------------------------------------------------
interface ClientJobsSubject {
  jobs: ClientJobs;
  /** Rows the client's system wrote. */
  seed(rows: ClientJob[]): Promise<void>;
}

describeContract<ClientJobsSubject>(
  'ClientJobs',
  [
    fakeImplementation(() => {
      const jobs = new FakeClientJobs();
      return { jobs, seed: async (rows) => jobs.add(...rows) };
    }),
    mysqlImplementation(clientDb, ['Jobs'], (pool) => ({ jobs: new MysqlClientJobs(pool), seed: (rows) => insertClientJobRows(pool, rows) })),
  ],
  (subject) => {
    const seeded = [
      clientJob(3),
      clientJob(1),
      clientJob(2, { status: 'IN PROGRESS' }),
      clientJob(10),
      clientJob(7, { mobile: null, status: null, jobType: null, productId: null }),
      clientJob(12, { status: 'JOB COMPLETED' }),
    ];
    const ids = (jobs: ClientJob[]) => jobs.map((job) => job.jobId);

    it('readJobsAfter returns jobs past the id, any status, in id order, at most the limit', async () => {
      const { jobs, seed } = subject();
      await seed(seeded);
      expect(ids(await jobs.readJobsAfter(1, 2))).toEqual([2, 3]);
      expect(await jobs.readJobsAfter(3, 100)).toEqual([seeded[4], seeded[3], seeded[5]]);
      expect(await jobs.readJobsAfter(0, 100)).toHaveLength(seeded.length);
      expect(await jobs.readJobsAfter(12, 100)).toEqual([]);
    });

    it('readNewJobsInRange returns only NEW jobs, lower bound excluded and upper bound included, in id order', async () => {
      const { jobs, seed } = subject();
      await seed([...seeded, clientJob(11), clientJob(13)]);
      expect(ids(await jobs.readNewJobsInRange(1, 10))).toEqual([3, 10]);
      expect(ids(await jobs.readNewJobsInRange(3, 11))).toEqual([10, 11]);
      expect(await jobs.readNewJobsInRange(0, 1)).toEqual([clientJob(1)]);
      expect(await jobs.readNewJobsInRange(13, 100)).toEqual([]);
    });

    it('readJobs returns the jobs that exist, every column as stored (nulls too), in id order', async () => {
      const { jobs, seed } = subject();
      await seed(seeded);
      expect(await jobs.readJobs([10, 7, 99])).toEqual([seeded[4], seeded[3]]);
      expect(await jobs.readJobs([])).toEqual([]);
    });

    it('moveStatus changes the status only while it still is the expected one', async () => {
      const { jobs, seed } = subject();
      await seed(seeded);
      expect(await jobs.moveStatus(3, 'NEW', 'OPENED')).toBe(true);
      expect(await jobs.moveStatus(3, 'NEW', 'OPENED')).toBe(false);
      expect(await jobs.moveStatus(2, 'NEW', 'OPENED')).toBe(false);
      expect(await jobs.moveStatus(99, 'NEW', 'OPENED')).toBe(false);
      expect((await jobs.readJobs([2, 3, 99])).map((job) => job.status)).toEqual(['IN PROGRESS', 'OPENED']);
    });

    it('moveStatus lets exactly one of two concurrent movers from the same status win', async () => {
      const { jobs, seed } = subject();
      await seed([clientJob(1)]);
      const wins = await Promise.all([jobs.moveStatus(1, 'NEW', 'OPENED'), jobs.moveStatus(1, 'NEW', 'JOB COMPLETED')]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await jobs.readJobs([1]))[0]?.status).toBe(wins[0] ? 'OPENED' : 'JOB COMPLETED');
    });

    it('moveStatuses moves the jobs still at the expected status and returns every job at the target afterwards', async () => {
      const { jobs, seed } = subject();
      await seed([...seeded, clientJob(11, { status: 'OPENED' })]);
      expect(await jobs.moveStatuses([3, 1, 2, 11, 12, 7, 99], 'NEW', 'OPENED')).toEqual(new Set([1, 3, 11]));
      expect((await jobs.readJobs([1, 2, 3, 7, 10, 11, 12])).map((job) => job.status)).toEqual(['OPENED', 'IN PROGRESS', 'OPENED', null, 'NEW', 'OPENED', 'JOB COMPLETED']);
      expect(await jobs.moveStatuses([1, 3], 'NEW', 'OPENED')).toEqual(new Set([1, 3]));
      expect(await jobs.moveStatuses([], 'NEW', 'OPENED')).toEqual(new Set());
      expect(await jobs.moveStatuses([10, 10], 'NEW', 'OPENED')).toEqual(new Set([10]));
      expect((await jobs.readJobs([10]))[0]?.status).toBe('OPENED');
    });

    it('moveStatuses lets exactly one of two concurrent movers from the same status win each job', async () => {
      const { jobs, seed } = subject();
      const ids = [1, 2, 3, 4, 5, 6];
      await seed(ids.map((id) => clientJob(id)));
      const [opened, completed] = await Promise.all([jobs.moveStatuses(ids, 'NEW', 'OPENED'), jobs.moveStatuses([...ids].reverse(), 'NEW', 'JOB COMPLETED')]);
      expect([...opened, ...completed].sort()).toEqual(ids);
      for (const job of await jobs.readJobs(ids)) expect(job.status).toBe(opened.has(job.jobId) ? 'OPENED' : 'JOB COMPLETED');
    });
  },
);

// ---------------------------------------------------------------------------------------------
interface JobDocumentsSubject {
  documents: JobDocuments;
  /** Changes whenever the stored document is written (the fake counts its writes, Cosmos has the etag). */
  revision(jobId: number): Promise<unknown>;
  /** The same store as another process sees it (Cosmos: another adapter on the container). */
  elsewhere: JobDocuments;
}

const cosmosDocuments: Implementation<JobDocumentsSubject> = {
  name: 'Cosmos',
  async start() {
    const cosmos = await startLocalCosmos();
    return {
      async fresh() {
        const { container } = await cosmos.openContainer();
        const revision = async (jobId: number) => (await container.item(String(jobId), String(jobId)).read<{ _etag: string }>()).resource?._etag;
        return { documents: new CosmosJobDocuments(container), revision, elsewhere: new CosmosJobDocuments(container) };
      },
      stop: () => cosmos.stop(),
    };
  },
};

describeContract<JobDocumentsSubject>(
  'JobDocuments',
  [
    fakeImplementation(() => {
      const documents = new FakeJobDocuments();
      return { documents, revision: async () => documents.writes, elsewhere: documents };
    }),
    cosmosDocuments,
  ],
  (subject) => {
    const at = new Date('2026-11-23T10:00:00Z');
    const doc = (jobId: number) => toJobDocument(clientJob(jobId), at, jobId);
    const withSms = (slot: 'courtesy' | 'feedback') => (d: JobDocument): JobDocument => ({
      ...d,
      sms: { ...d.sms, [slot]: { messageKey: slot, state: 'sent', at: 'now', note: slot } },
    });

    it('createMissing creates missing documents in bulk and leaves existing ones untouched', async () => {
      const { documents } = subject();
      const docs = Array.from({ length: 150 }, (_, i) => doc(i + 1));
      await documents.createMissing(docs.slice(0, 10));
      await documents.update(1, (d) => ({ ...d, job_status: 'OPENED' }));
      await documents.createMissing(docs);

      expect((await documents.get(1))?.job_status).toBe('OPENED');
      expect(await documents.get(150)).toEqual(docs[149]);
      expect(await documents.get(151)).toBeUndefined();
    });

    it('update returns the stored document, without store properties, and get reads it back', async () => {
      const { documents } = subject();
      await documents.createMissing([doc(7)]);
      const updated = await documents.update(7, (d) => ({ ...d, job_status: 'OPENED', updated_at: 'later' }));
      expect(updated).toEqual({ ...doc(7), job_status: 'OPENED', updated_at: 'later' });
      expect(await documents.get(7)).toEqual(updated);
    });

    it('update returns undefined, without calling the change, when there is no document', async () => {
      const { documents } = subject();
      const change = vi.fn((d: JobDocument) => d);
      expect(await documents.update(999, change)).toBeUndefined();
      expect(change).not.toHaveBeenCalled();
      expect(await documents.get(999)).toBeUndefined();
    });

    it('update writes nothing when the change returns its argument, and returns the stored document', async () => {
      const { documents, revision } = subject();
      await documents.createMissing([doc(8)]);
      const before = await revision(8);
      expect(await documents.update(8, (d) => d)).toEqual(doc(8));
      expect(await revision(8)).toBe(before);
      await documents.update(8, withSms('courtesy'));
      expect(await revision(8)).not.toBe(before);
    });

    it('updateMany applies each job its own change, in bulk, skipping missing documents and unchanged ones', async () => {
      const { documents, revision } = subject();
      await documents.createMissing(Array.from({ length: 150 }, (_, i) => doc(i + 1)));
      const before = await revision(2);
      const missing = vi.fn((d: JobDocument) => d);
      await documents.updateMany(new Map([[2, (d: JobDocument) => d], [999, missing]]));
      expect(await revision(2)).toBe(before);
      expect(missing).not.toHaveBeenCalled();
      expect(await documents.get(999)).toBeUndefined();

      await documents.updateMany(
        new Map(Array.from({ length: 149 }, (_, i) => [i + 2, (d: JobDocument): JobDocument => ({ ...d, job_status: 'OPENED', updated_at: `at ${d.id}` })])),
      );
      expect(await documents.get(1)).toEqual(doc(1));
      expect(await documents.get(2)).toEqual({ ...doc(2), job_status: 'OPENED', updated_at: 'at 2' });
      expect(await documents.get(150)).toEqual({ ...doc(150), job_status: 'OPENED', updated_at: 'at 150' });
      await documents.updateMany(new Map());
    });

    it('updateMany keeps what another process wrote since this one created or updated the document', async () => {
      const { documents, elsewhere } = subject();
      await documents.createMissing([doc(601), doc(602)]);
      await documents.updateMany(new Map([[602, (d: JobDocument): JobDocument => ({ ...d, updated_at: 'ours' })]]));
      await elsewhere.update(601, withSms('feedback'));
      await elsewhere.update(602, withSms('feedback'));
      await documents.updateMany(new Map([[601, withSms('courtesy')], [602, withSms('courtesy')]]));
      for (const id of [601, 602]) expect(Object.keys((await documents.get(id))!.sms).sort()).toEqual(['courtesy', 'feedback']);
      expect((await elsewhere.get(602))?.updated_at).toBe('ours');
    });

    it('updateMany and a concurrent update lose neither change (optimistic concurrency)', async () => {
      const { documents } = subject();
      await documents.createMissing([doc(501), doc(502)]);
      await Promise.all([
        documents.updateMany(new Map([[501, withSms('courtesy')], [502, withSms('courtesy')]])),
        documents.update(501, withSms('feedback')),
        documents.updateMany(new Map([[502, withSms('feedback')]])),
      ]);
      for (const id of [501, 502]) expect(Object.keys((await documents.get(id))!.sms).sort()).toEqual(['courtesy', 'feedback']);
    });

    it('applies concurrent updates without losing either (optimistic concurrency)', async () => {
      const { documents } = subject();
      await documents.createMissing([doc(500)]);
      await Promise.all([documents.update(500, withSms('courtesy')), documents.update(500, withSms('feedback'))]);
      expect(Object.keys((await documents.get(500))!.sms).sort()).toEqual(['courtesy', 'feedback']);
    });
  },
);

// ---------------------------------------------------------------------------------------------
describeContract<JobTransactions>(
  'JobTransactions',
  [fakeImplementation(() => new FakeJobTransactions()), mysqlImplementation(ledgerDb, ['job_trans'], (pool) => new MysqlJobTransactions(pool))],
  (subject) => {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute, 0, 123));
    const row = (jobId: number, eventKey: string, minute: number, overrides: Partial<JobTransaction> = {}): JobTransaction => ({
      jobId,
      status: 'NEW',
      note: `note ${eventKey}`,
      event: 'INGEST',
      eventKey,
      at: at(minute),
      ...overrides,
    });

    it('history returns the appended rows as written, to the millisecond', async () => {
      const transactions = subject();
      const rows = [row(42, 'a', 1), row(42, 'b', 2, { status: 'OPENED', event: 'STATUS', note: 'Job opened' })];
      await transactions.append(rows);
      expect(await transactions.history(42)).toEqual(rows);
    });

    it('append adds an event key once: a repeat, in a later call or the same one, changes nothing', async () => {
      const transactions = subject();
      await transactions.append([row(42, 'a', 1), row(42, 'a', 5, { note: 'same key again' })]);
      await transactions.append([row(42, 'a', 9, { note: 'and again' }), row(42, 'b', 2)]);
      expect(await transactions.history(42)).toEqual([row(42, 'a', 1), row(42, 'b', 2)]);
    });

    it('history is the one job, oldest first whatever the append order, equal times in append order', async () => {
      const transactions = subject();
      await transactions.append([row(1, 'late', 30), row(2, 'other job', 1)]);
      await transactions.append([row(1, 'early', 10), row(1, 'tie-1', 20), row(1, 'tie-2', 20)]);
      expect((await transactions.history(1)).map((r) => r.eventKey)).toEqual(['early', 'tie-1', 'tie-2', 'late']);
      expect(await transactions.history(3)).toEqual([]);
    });

    it('keeps at most 1024 characters of a note', async () => {
      const transactions = subject();
      await transactions.append([row(42, 'long', 1, { note: 'x'.repeat(2000) })]);
      expect((await transactions.history(42))[0]?.note).toBe('x'.repeat(1024));
    });
  },
);

// ---------------------------------------------------------------------------------------------
describeContract<PollCheckpoints>(
  'PollCheckpoints',
  [
    fakeImplementation(() => new FakeCheckpoints()),
    mysqlImplementation(ledgerDb, ['poll_checkpoint'], (pool) => new MysqlPollCheckpoints(pool)),
  ],
  (subject) => {
    it('starts at zero and never moves the high-water mark backwards', async () => {
      const checkpoints = subject();
      expect(await checkpoints.read()).toEqual({ lastJobId: 0, sweepJobId: 0, mirrorJobId: 0 });
      await checkpoints.save({ lastJobId: 100, sweepJobId: 10, mirrorJobId: 0 }, AT);
      await checkpoints.save({ lastJobId: 50, sweepJobId: 20, mirrorJobId: 0 }, AT);
      expect(await checkpoints.read()).toEqual({ lastJobId: 100, sweepJobId: 20, mirrorJobId: 0 });
    });

    it('keeps the last saved mirror cursor, forwards, backwards and back to 0', async () => {
      const checkpoints = subject();
      await checkpoints.save({ lastJobId: 100, sweepJobId: 10, mirrorJobId: 40 }, AT);
      expect(await checkpoints.read()).toEqual({ lastJobId: 100, sweepJobId: 10, mirrorJobId: 40 });
      await checkpoints.save({ lastJobId: 100, sweepJobId: 10, mirrorJobId: 7 }, AT);
      expect((await checkpoints.read()).mirrorJobId).toBe(7);
      await checkpoints.save({ lastJobId: 60, sweepJobId: 10, mirrorJobId: 0 }, AT);
      expect(await checkpoints.read()).toEqual({ lastJobId: 100, sweepJobId: 10, mirrorJobId: 0 });
    });

    it('keeps the highest lastJobId of concurrent saves', async () => {
      const checkpoints = subject();
      await Promise.all([70, 300, 120].map((lastJobId) => checkpoints.save({ lastJobId, sweepJobId: 5, mirrorJobId: 9 }, AT)));
      expect(await checkpoints.read()).toEqual({ lastJobId: 300, sweepJobId: 5, mirrorJobId: 9 });
    });
  },
);

// ---------------------------------------------------------------------------------------------
describeContract<JobTracking>(
  'JobTracking',
  [fakeImplementation(() => new FakeJobTracking()), mysqlImplementation(ledgerDb, ['job_tracking'], (pool) => new MysqlJobTracking(pool))],
  (subject) => {
    const open = (jobId: number, lastStatus: string, flaggedStatus: string | null = null) => ({ jobId, lastStatus, flaggedStatus });

    it('openJobsAfter returns the open tracked jobs past the id, in id order, at most the limit', async () => {
      const tracking = subject();
      await tracking.track([
        { jobId: 5, status: 'OPENED' },
        { jobId: 2, status: 'NEW' },
        { jobId: 9, status: 'CLOSED' },
        { jobId: 7, status: 'IN PROGRESS' },
      ], AT);
      await tracking.track([], AT);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(2, 'NEW'), open(5, 'OPENED'), open(7, 'IN PROGRESS')]);
      expect(await tracking.openJobsAfter(2, 1)).toEqual([open(5, 'OPENED')]);
      expect(await tracking.openJobsAfter(7, 100)).toEqual([]);
    });

    it('track keeps the state of jobs already tracked', async () => {
      const tracking = subject();
      await tracking.track([{ jobId: 1, status: 'NEW' }], AT);
      await tracking.flag(1, 'BOGUS', AT);
      await tracking.track([{ jobId: 1, status: 'OPENED' }, { jobId: 2, status: 'NEW' }], AT);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'NEW', 'BOGUS'), open(2, 'NEW')]);
    });

    it('advance moves the status only from the expected one, clears the flag, and CLOSED stops tracking', async () => {
      const tracking = subject();
      await tracking.track([{ jobId: 1, status: 'NEW' }, { jobId: 2, status: 'NEW' }], AT);
      await tracking.flag(1, 'BOGUS', AT);
      expect(await tracking.advance(1, 'NEW', 'OPENED', AT)).toBe(true);
      expect(await tracking.advance(1, 'NEW', 'IN PROGRESS', AT)).toBe(false);
      expect(await tracking.advance(99, 'NEW', 'OPENED', AT)).toBe(false);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'OPENED'), open(2, 'NEW')]);
      expect(await tracking.advance(2, 'NEW', 'CLOSED', AT)).toBe(true);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'OPENED')]);
    });

    it('advanceMany moves the jobs still at the expected status, clears their flags, and CLOSED stops tracking', async () => {
      const tracking = subject();
      await tracking.track([1, 2, 3, 4].map((jobId) => ({ jobId, status: jobId === 3 ? 'OPENED' : 'NEW' })), AT);
      await tracking.flag(1, 'BOGUS', AT);
      expect(await tracking.advanceMany([1, 2, 3, 99], 'NEW', 'OPENED', AT)).toBe(2);
      expect(await tracking.advanceMany([1, 2], 'NEW', 'OPENED', AT)).toBe(0);
      expect(await tracking.advanceMany([], 'NEW', 'OPENED', AT)).toBe(0);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'OPENED'), open(2, 'OPENED'), open(3, 'OPENED'), open(4, 'NEW')]);
      expect(await tracking.advanceMany([2, 3], 'OPENED', 'CLOSED', AT)).toBe(2);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'OPENED'), open(4, 'NEW')]);
    });

    it('advance lets exactly one of two concurrent movers from the same status win', async () => {
      const tracking = subject();
      await tracking.track([{ jobId: 1, status: 'NEW' }], AT);
      const wins = await Promise.all([tracking.advance(1, 'NEW', 'OPENED', AT), tracking.advance(1, 'NEW', 'IN PROGRESS', AT)]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, wins[0] ? 'OPENED' : 'IN PROGRESS')]);
    });

    it('flag remembers the latest refused status of a tracked job and ignores untracked jobs', async () => {
      const tracking = subject();
      await tracking.track([{ jobId: 1, status: 'OPENED' }], AT);
      await tracking.flag(1, 'NEW', AT);
      await tracking.flag(1, 'WHATEVER', AT);
      await tracking.flag(2, 'NEW', AT);
      expect(await tracking.openJobsAfter(0, 100)).toEqual([open(1, 'OPENED', 'WHATEVER')]);
    });
  },
);
