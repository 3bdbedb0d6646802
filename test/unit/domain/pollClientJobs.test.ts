import { describe, expect, it } from 'vitest';
import { toJobDocument } from '../../../src/domain/jobs/job.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, InjectedCrash } from '../../kit/crash.js';
import { createWorld, type World } from '../../support/world.js';

function expectIngestedOnce(world: World, jobIds: number[]): void {
  for (const id of jobIds) {
    expect(world.documents.docs.has(String(id)), `document ${id}`).toBe(true);
    expect(world.transactions.forJob(id).filter((r) => r.event === 'INGEST'), `NEW row ${id}`).toHaveLength(1);
    expect(world.notificationLog.entries.get(`job-${id}-received`), `sms log ${id}`).toBeDefined();
  }
  const sendable = jobIds.filter((id) => world.notificationLog.entries.get(`job-${id}-received`)?.state !== 'skipped');
  // A repaired crash may hand an SMS to the queue again under a `-requeue-` id; the SMS log still sends it once.
  const queuedKeys = new Set([...world.queue.seen].map((messageId) => messageId.replace(/-requeue-\d+$/, '')));
  expect([...queuedKeys].sort()).toEqual(sendable.map((id) => `job-${id}-received`).sort());
}

describe('pollClientJobs', () => {
  it('ingests each NEW job: a seed-shaped document, a NEW job_trans row and a courtesy message', async () => {
    const world = createWorld([clientJob(1), clientJob(2), clientJob(3, { status: 'IN PROGRESS' })]);
    const report = await world.poll();

    expect(report).toMatchObject({ scanned: 3, ingested: 2, courtesyQueued: 2, checkpoint: 3 });
    expectIngestedOnce(world, [1, 2]);
    expect(world.documents.docs.has('3')).toBe(false);
    expect(world.queue.messages[0]).toEqual({
      messageId: 'job-1-received',
      body: {
        notificationId: 'job-1-received',
        channel: 'sms',
        event: 'job-received',
        jobId: 1,
        customerId: 1,
        to: '+447770123456',
        text: 'Hi Joe, we have received your spider catcher for warranty repair (job 1). We will text you when it is done.',
      },
    });
    expect(world.checkpoints.value.lastJobId).toBe(3);
  });

  it('drains a backlog larger than one batch within one poll', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => clientJob(i + 1));
    const world = createWorld(jobs, { batchSize: 100 });
    const report = await world.poll();
    expect(report.ingested).toBe(250);
    expect(world.clientJobs.readsAfter).toBe(3);
    expectIngestedOnce(world, jobs.map((j) => j.jobId));
  });

  it('does nothing more on an idle poll', async () => {
    const world = createWorld([clientJob(1)]);
    await world.poll();
    const report = await world.poll();
    expect(report).toMatchObject({ scanned: 0, ingested: 0, courtesyQueued: 0 });
    expect(world.queue.duplicatesDropped).toBe(0);
    expect(world.documents.creates).toBe(1);
  });

  it('catches an id that committed after a higher one (look-back below the checkpoint)', async () => {
    const world = createWorld([clientJob(10), clientJob(12)]);
    await world.poll();
    world.clientJobs.add(clientJob(11));
    const report = await world.poll();
    expect(report.ingested).toBe(1);
    expectIngestedOnce(world, [10, 11, 12]);
  });

  it('finds a job set back to NEW far below the checkpoint within one sweep of the table', async () => {
    const world = createWorld([clientJob(5, { status: 'DRAFT' }), clientJob(1000)], { lookbackIds: 10, sweepIds: 300 });
    await world.poll();
    world.clientJobs.rows.get(5)!.status = 'NEW';
    const reports = [];
    for (let i = 0; i < 4; i++) reports.push(await world.poll());
    expect(reports.reduce((sum, r) => sum + r.ingested, 0)).toBe(1);
    expectIngestedOnce(world, [5, 1000]);
  });

  it('records a job without a usable mobile, sends nothing and still opens it with the reason', async () => {
    const world = createWorld([clientJob(1, { mobile: null }), clientJob(2, { mobile: '020 7946 0000' })]);
    const report = await world.poll();
    expect(report).toMatchObject({ ingested: 2, courtesyQueued: 0, courtesyImpossible: 2 });
    expect(world.queue.messages).toHaveLength(0);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.documents.docs.get('1')).toMatchObject({ job_status: 'OPENED', sms: { courtesy: { state: 'skipped' } } });
    expect(world.transactions.forJob(1).map((r) => r.status)).toEqual(['NEW', 'NEW', 'OPENED']);
    expect(world.transactions.forJob(1).at(-1)?.note).toContain('no mobile number on the job');
    expect(world.transactions.forJob(2).at(-1)?.note).toContain('not a mobile number');
  });

  it('ingests each job once when two pollers run at the same time', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => clientJob(i + 1, { mobile: i % 5 === 0 ? null : '07770 123456' }));
    const world = createWorld(jobs, { batchSize: 7 });
    await Promise.all([world.poll(), world.poll()]);
    for (const job of jobs) {
      expect(world.transactions.forJob(job.jobId).filter((r) => r.event === 'INGEST')).toHaveLength(1);
      expect(world.transactions.forJob(job.jobId).filter((r) => r.status === 'OPENED').length).toBeLessThanOrEqual(1);
    }
    expect(world.queue.messages).toHaveLength(32);
    expect(world.documents.docs.size).toBe(40);
  });

  const ingestionSteps = [
    ['documents', 'createMissing'],
    ['transactions', 'append'],
    ['notificationLog', 'register'],
    ['queue', 'enqueue'],
    ['checkpoints', 'save'],
  ] as const;

  it.each(ingestionSteps)('repairs a crash right after %s.%s on the next poll', async (port, method) => {
    const world = createWorld([clientJob(1), clientJob(2, { mobile: null }), clientJob(3)]);
    const crashing = { [port]: crashAfter(world.pollDeps[port] as object, method as never) };
    await expect(world.poll(crashing)).rejects.toBeInstanceOf(InjectedCrash);

    world.clock.advance(11 * 60_000);
    await world.poll();
    await world.deliverDue();

    expectIngestedOnce(world, [1, 2, 3]);
    expect(world.gateway.sent.map((s) => s.clientRef).sort()).toEqual(['job-1-received', 'job-3-received']);
    for (const id of [1, 2, 3]) {
      expect(world.clientJobs.status(id)).toBe('OPENED');
      expect(world.documents.docs.get(String(id))?.job_status).toBe('OPENED');
      expect(world.transactions.forJob(id).filter((r) => r.status === 'OPENED')).toHaveLength(1);
    }
  });

  describe('jobs without a usable mobile', () => {
    const noMobileIds = [2, 3, 5, 6, 8];
    const backlog = () =>
      Array.from({ length: 8 }, (_, i) => i + 1).map((id) => clientJob(id, noMobileIds.includes(id) ? { mobile: id % 2 === 0 ? null : '020 7946 0000' } : {}));

    function expectOpenedOnce(world: World): void {
      for (const id of noMobileIds) {
        expect(world.clientJobs.status(id), `client ${id}`).toBe('OPENED');
        expect(world.documents.docs.get(String(id)), `document ${id}`).toMatchObject({ job_status: 'OPENED', sms: { courtesy: { state: 'skipped' } } });
        const history = world.transactions.forJob(id);
        expect(history.filter((r) => r.event === 'NOTIFY'), `SMS row ${id}`).toHaveLength(1);
        expect(history.filter((r) => r.event === 'STATUS'), `STATUS row ${id}`).toEqual([
          expect.objectContaining({ status: 'OPENED', note: expect.stringContaining('No Courtesy SMS') }),
        ]);
        expect(world.tracking.jobs.get(id)?.lastStatus, `tracking ${id}`).toBe('OPENED');
      }
    }

    it('completes them together: one call per step for the whole batch, none per job', async () => {
      const world = createWorld(backlog());
      const calls: string[] = [];
      const counted = <T extends object>(name: string, port: T): T =>
        new Proxy(port, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown;
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              calls.push(`${name}.${String(prop)}`);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
      const deps = {
        notificationLog: counted('notificationLog', world.notificationLog),
        clientJobs: counted('clientJobs', world.clientJobs),
        documents: counted('documents', world.documents),
        transactions: counted('transactions', world.transactions),
        tracking: counted('tracking', world.tracking),
      };
      const report = await world.poll(deps);

      expect(report).toMatchObject({ ingested: 8, courtesyQueued: 3, courtesyImpossible: 5 });
      expectOpenedOnce(world);
      const count = (call: string) => calls.filter((c) => c === call).length;
      expect(count('notificationLog.get')).toBe(0);
      expect(count('clientJobs.moveStatus')).toBe(0);
      expect(count('clientJobs.moveStatuses')).toBe(1);
      expect(count('documents.update')).toBe(0);
      expect(count('documents.updateMany')).toBe(1);
      expect(count('transactions.append')).toBe(3); // INGEST rows, SMS rows, STATUS rows
      expect(count('tracking.advance')).toBe(0);
      expect(count('tracking.advanceMany')).toBe(1);
    });

    it('opens only the jobs still NEW in the client system, and says which were not', async () => {
      const world = createWorld(backlog());
      const racing = Object.assign(Object.create(world.clientJobs) as typeof world.clientJobs, {
        moveStatuses: async (...args: Parameters<typeof world.clientJobs.moveStatuses>) => {
          world.clientJobs.rows.get(3)!.status = 'CANCELLED';
          world.clientJobs.rows.get(5)!.status = 'IN PROGRESS';
          return world.clientJobs.moveStatuses(...args);
        },
      });
      await world.poll({ clientJobs: racing });

      expect([2, 3, 5, 6, 8].map((id) => world.clientJobs.status(id))).toEqual(['OPENED', 'CANCELLED', 'IN PROGRESS', 'OPENED', 'OPENED']);
      expect(world.documents.docs.get('3')).toMatchObject({ job_status: 'NEW', sms: { courtesy: { state: 'skipped' } } });
      // Job 5 went past OPENED: it counts as opened, then the status mirror brings IN PROGRESS in.
      expect(world.documents.docs.get('5')?.job_status).toBe('IN PROGRESS');
      expect(world.transactions.forJob(3).filter((r) => r.event === 'STATUS')).toHaveLength(0);
      expect(world.transactions.forJob(5).filter((r) => r.event === 'STATUS').map((r) => r.status)).toEqual(['OPENED', 'IN PROGRESS']);
      expect(world.tracking.jobs.get(3)?.lastStatus).toBe('NEW');
      expect(world.logger.lines.filter((l) => l.message.startsWith('client job not moved')).map((l) => l.fields)).toEqual([
        { jobId: 3, expected: 'NEW', found: 'CANCELLED' },
      ]);
    });

    const completionSteps = [
      ['transactions', 'append', 2, 'the SMS rows'],
      ['clientJobs', 'moveStatuses', 1, 'the client update'],
      ['documents', 'updateMany', 1, 'the Cosmos updates'],
      ['transactions', 'append', 3, 'the STATUS rows'],
      ['tracking', 'advanceMany', 1, 'the tracking update'],
    ] as const;

    it.each(completionSteps)('finishes them on the next poll after a crash right after %s.%s #%i (%s)', async (port, method, nth) => {
      const world = createWorld(backlog());
      const crashing = { [port]: crashAfter(world.pollDeps[port] as object, method as never, nth) };
      await expect(world.poll(crashing)).rejects.toBeInstanceOf(InjectedCrash);

      world.clock.advance(11 * 60_000);
      await world.poll();
      await world.poll();

      expectIngestedOnce(world, [1, 2, 3, 4, 5, 6, 7, 8]);
      expectOpenedOnce(world);
      expect(world.transactions.rows.some((r) => r.note.includes('Client system moved'))).toBe(false);
    });
  });

  it('re-queues a courtesy message lost after queueing (dead-lettered) under an id duplicate detection accepts, and again later', async () => {
    const world = createWorld([clientJob(1)]);
    await world.poll();
    world.queue.drain(world.clock.now()); // dead-lettered during an outage
    world.clock.advance(11 * 60_000);
    await world.poll();
    expect(world.queue.duplicatesDropped).toBe(0);
    expect(world.queue.messages.map((m) => m.messageId)).toEqual([expect.stringMatching(/^job-1-received-requeue-\d+$/)]);

    world.queue.drain(world.clock.now()); // lost once more
    world.clock.advance(11 * 60_000);
    await world.poll();
    expect(world.queue.duplicatesDropped).toBe(0);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('opens a job whose SMS was settled but whose status a crash left behind', async () => {
    const world = createWorld([clientJob(1)]);
    await world.poll();
    await world.deliverDue({ notificationLog: crashAfter(world.notificationLog, 'record') }).catch(() => undefined);
    expect(world.notificationLog.entries.get('job-1-received')?.state).toBe('sent');
    expect(world.clientJobs.status(1)).toBe('NEW');
    world.queue.drain(world.clock.now());

    await world.poll();
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.documents.docs.get('1')?.job_status).toBe('OPENED');
    expect(world.transactions.forJob(1).filter((r) => r.status === 'OPENED')).toHaveLength(1);
    expect(world.gateway.calls).toHaveLength(1);
  });
});

/**
 * Jobs `ids`, ingested long ago and IN PROGRESS (client row, document, tracking), the checkpoint at
 * the top, so a poll is idle except for mirroring. `poll()` also returns the job ids the mirror read
 * from the client table, in order: the jobs that poll visited.
 */
async function worldWithOpenJobs(ids: number[], mirrorRows: number) {
  const jobs = ids.map((id) => clientJob(id, { status: 'IN PROGRESS' }));
  const world = createWorld(jobs, { mirrorRows });
  await world.documents.createMissing(jobs.map((job) => ({ ...toJobDocument(job, world.clock.now(), null), job_status: 'IN PROGRESS' })));
  await world.tracking.track(ids.map((jobId) => ({ jobId, status: 'IN PROGRESS' })));
  world.checkpoints.value = { ...world.checkpoints.value, lastJobId: Math.max(...ids) };
  let visited: number[] = [];
  const clientJobs = new Proxy(world.clientJobs, {
    get: (target, prop, receiver) =>
      prop === 'readJobs'
        ? async (jobIds: number[]) => {
            visited.push(...jobIds);
            return target.readJobs(jobIds);
          }
        : Reflect.get(target, prop, receiver),
  });
  return {
    world,
    /** Opens job `id` as a later ingestion would (client row, tracking). */
    async open(id: number) {
      world.clientJobs.add(clientJob(id, { status: 'IN PROGRESS' }));
      await world.tracking.track([{ jobId: id, status: 'IN PROGRESS' }]);
      world.checkpoints.value = { ...world.checkpoints.value, lastJobId: Math.max(world.checkpoints.value.lastJobId, id) };
    },
    async poll(deps: Parameters<World['poll']>[0] = {}) {
      visited = [];
      const report = await world.poll({ clientJobs, ...deps });
      return { report, visited };
    },
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('status mirroring, a slice of the open jobs per poll', () => {
  it('visits at most POLL_MIRROR_ROWS open jobs per poll, in id order from the saved cursor', async () => {
    const open = await worldWithOpenJobs(range(1, 2500), 1000);
    const first = await open.poll();
    expect(first.visited).toEqual(range(1, 1000));
    expect(first.report.mirror).toMatchObject({ visited: 1000, advanced: 0, flagged: 0, nextJobId: 1000 });
    expect(open.world.checkpoints.value.mirrorJobId).toBe(1000);
    expect((await open.poll()).visited).toEqual(range(1001, 2000));
    expect(open.world.checkpoints.value).toMatchObject({ lastJobId: 2500, mirrorJobId: 2000 });
  });

  it('wraps round to the first open job at the end, filling the slice without visiting a job twice', async () => {
    const open = await worldWithOpenJobs(range(1, 2500), 1000);
    await open.poll();
    await open.poll();
    const third = await open.poll();
    expect(third.visited).toEqual([...range(2001, 2500), ...range(1, 500)]);
    expect(open.world.checkpoints.value.mirrorJobId).toBe(500);
    expect((await open.poll()).visited).toEqual(range(501, 1500));

    const sparse = await worldWithOpenJobs([10, 20, 30], 2);
    const slices = [];
    for (let i = 0; i < 4; i++) slices.push((await sparse.poll()).visited);
    expect(slices).toEqual([[10, 20], [30, 10], [20, 30], [10, 20]]);
  });

  it('visits every open job each poll when they fit in one slice, and saves no cursor', async () => {
    const open = await worldWithOpenJobs([3, 7, 9], 1000);
    let saves = 0;
    const checkpoints = new Proxy(open.world.checkpoints, {
      get: (target, prop, receiver) =>
        prop === 'save' ? (...args: Parameters<typeof target.save>) => ((saves += 1), target.save(...args)) : Reflect.get(target, prop, receiver),
    });
    for (let i = 0; i < 3; i++) expect((await open.poll({ checkpoints })).visited).toEqual([3, 7, 9]);
    expect(saves).toBe(3); // the forward scan's one save per poll, nothing for the mirror
    expect(open.world.checkpoints.value.mirrorJobId).toBe(0);
  });

  it.each([
    [2500, 1000],
    [2000, 1000],
    [7, 3],
    [1, 5],
  ])('visits every one of %i open jobs within ceil(open / %i) polls, from any cursor', async (count, rows) => {
    const bound = Math.ceil(count / rows);
    const ids = range(1, count).map((i) => i * 3);
    for (const cursor of [0, ids[0]!, ids[Math.floor(count / 2)]!, ids.at(-1)!, ids.at(-1)! + 1]) {
      const open = await worldWithOpenJobs(ids, rows);
      open.world.checkpoints.value = { ...open.world.checkpoints.value, mirrorJobId: cursor };
      const seen = new Set<number>();
      for (let i = 0; i < bound; i++) {
        const { visited } = await open.poll();
        expect(visited.length, `poll ${i + 1} from cursor ${cursor}`).toBe(Math.min(rows, count));
        expect(new Set(visited).size).toBe(visited.length);
        visited.forEach((id) => seen.add(id));
      }
      expect(seen.size, `after ${bound} polls from cursor ${cursor}`).toBe(count);
    }
  });

  it('visits every job that stays open within ceil(most open / rows) polls while jobs close and new ones open', async () => {
    const open = await worldWithOpenJobs(range(1, 2300), 500);
    const { world } = open;
    const stayOpen = new Set(range(1, 2300).filter((id) => id % 10 !== 0));
    let next = 2301;
    const seen = new Set<number>();
    // Each poll closes 46 jobs, then opens 20 new ones: at most 2,300 open, so ceil(2300 / 500) = 5 polls.
    for (let i = 0; i < 5; i++) {
      for (const id of range(i * 460 + 1, (i + 1) * 460).filter((id) => id % 10 === 0)) {
        world.clientJobs.rows.get(id)!.status = 'CLOSED';
        await world.tracking.advance(id, 'IN PROGRESS', 'CLOSED');
      }
      for (let k = 0; k < 20; k++) await open.open(next++);
      (await open.poll()).visited.forEach((id) => seen.add(id));
    }
    expect([...stayOpen].filter((id) => !seen.has(id))).toEqual([]);
  });

  it('finds client changes within ceil(open / rows) polls: forward moves applied, backward ones flagged once, completed and paid jobs closing', async () => {
    const open = await worldWithOpenJobs(range(1, 2500), 1000);
    const { world } = open;
    await open.poll(); // cursor at 1000
    world.clientJobs.rows.get(999)!.status = 'JOB COMPLETED'; // just behind the cursor: the last to be reached
    world.clientJobs.rows.get(1999)!.status = 'NEW';
    await world.payments.record({ paymentId: 'p-999', jobId: 999, amount: '45.500', currency: 'GBP', paidAt: world.clock.now() });

    const reports = [];
    for (let i = 0; i < 3; i++) reports.push((await open.poll()).report.mirror);
    expect(reports.map((m) => [m?.advanced, m?.flagged, m?.closing])).toEqual([
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 1],
    ]);
    expect(world.documents.docs.get('999')?.job_status).toBe('JOB COMPLETED');
    // The customer hears the repair is finished, then gets the feedback request.
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-999-completed', 'job-999-closed']);
    expect(world.documents.docs.get('1999')).toMatchObject({ job_status: 'IN PROGRESS', flags: [{ status: 'NEW', from: 'IN PROGRESS' }] });

    for (let i = 0; i < 3; i++) expect((await open.poll()).report.mirror).toMatchObject({ advanced: 0, flagged: 0, closing: 0 });
    expect(world.transactions.forJob(999).filter((r) => r.event === 'STATUS')).toHaveLength(1);
    expect(world.transactions.forJob(1999).filter((r) => r.event === 'FLAG')).toHaveLength(1);
  });

  it('keeps the cursor when a crash stops a slice, so the next poll mirrors that slice again, once', async () => {
    const open = await worldWithOpenJobs(range(1, 2500), 1000);
    const { world } = open;
    await open.poll();
    world.clientJobs.rows.get(1500)!.status = 'JOB COMPLETED';
    await expect(open.poll({ documents: crashAfter(world.documents, 'update') })).rejects.toBeInstanceOf(InjectedCrash);
    expect(world.checkpoints.value.mirrorJobId).toBe(1000);

    const again = await open.poll();
    expect(again.visited).toEqual(range(1001, 2000));
    expect(again.report.mirror).toMatchObject({ advanced: 1 });
    expect(world.checkpoints.value.mirrorJobId).toBe(2000);
    expect(world.transactions.forJob(1500).filter((r) => r.event === 'STATUS')).toHaveLength(1);
    expect(world.tracking.jobs.get(1500)?.lastStatus).toBe('JOB COMPLETED');
  });
});
