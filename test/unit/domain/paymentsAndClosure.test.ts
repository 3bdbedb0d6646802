import { describe, expect, it } from 'vitest';
import { requestClosure } from '../../../src/domain/jobs/closure.js';
import { changeJobStatus, closeJob, getJobWithHistory } from '../../../src/domain/jobs/jobApi.js';
import type { Payment } from '../../../src/domain/payments/ports.js';
import { recordPayment } from '../../../src/domain/payments/recordPayment.js';
import { sendNotification } from '../../../src/domain/notifications/sendNotification.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, InjectedCrash, isInjectedCrash } from '../../kit/crash.js';
import { createWorld, type World } from '../../support/world.js';

const PAYMENT: Payment = {
  paymentId: '6a1f5f3e-8a2b-4c1d-9e7f-0a1b2c3d4e5f',
  jobId: 1,
  amount: '45.500',
  currency: 'GBP',
  paidAt: new Date('2026-11-23T09:30:00Z'),
};

/** A world with job 1 ingested, texted and opened. */
async function openedWorld(jobOverrides = {}): Promise<World> {
  const world = createWorld([clientJob(1, jobOverrides)]);
  await world.poll();
  await world.deliverDue();
  return world;
}

function setClientStatus(world: World, status: string): void {
  world.clientJobs.rows.get(1)!.status = status;
}

describe('status mirroring', () => {
  it('mirrors the client moving a job forward, once, into Cosmos and job_trans', async () => {
    const world = await openedWorld();
    setClientStatus(world, 'IN PROGRESS');
    const report = await world.poll();
    expect(report.mirror).toMatchObject({ visited: 1, advanced: 1, flagged: 0 });
    expect(world.documents.docs.get('1')?.job_status).toBe('IN PROGRESS');
    expect(world.transactions.forJob(1).at(-1)).toMatchObject({ status: 'IN PROGRESS', event: 'STATUS' });

    const writes = world.documents.writes;
    expect((await world.poll()).mirror).toMatchObject({ advanced: 0 });
    expect(world.documents.writes).toBe(writes);
  });

  it('flags a backward or unknown status once and never applies it', async () => {
    const world = await openedWorld();
    setClientStatus(world, 'IN PROGRESS');
    await world.poll();
    setClientStatus(world, 'NEW');
    expect((await world.poll()).mirror).toMatchObject({ flagged: 1 });
    expect((await world.poll()).mirror).toMatchObject({ flagged: 0 });
    expect(world.documents.docs.get('1')).toMatchObject({ job_status: 'IN PROGRESS', flags: [{ status: 'NEW', from: 'IN PROGRESS' }] });
    expect(world.transactions.forJob(1).filter((r) => r.event === 'FLAG')).toHaveLength(1);
    expect(world.logger.lines.filter((l) => l.message === 'client status not mirrored')).toHaveLength(1);

    setClientStatus(world, 'ON HOLD');
    expect((await world.poll()).mirror).toMatchObject({ flagged: 1 });
    setClientStatus(world, 'JOB COMPLETED');
    expect((await world.poll()).mirror).toMatchObject({ advanced: 1 });
    expect(world.documents.docs.get('1')?.job_status).toBe('JOB COMPLETED');
  });

  it('flags a job that disappeared from the client table', async () => {
    const world = await openedWorld();
    world.clientJobs.rows.delete(1);
    expect((await world.poll()).mirror).toMatchObject({ flagged: 1 });
    expect(world.transactions.forJob(1).at(-1)?.note).toContain('no longer in the client system');
  });

  it('reads only open jobs, by id, in chunks', async () => {
    const world = createWorld(Array.from({ length: 2500 }, (_, i) => clientJob(i + 1)), { batchSize: 5000, mirrorRows: 5000 });
    await world.poll();
    const reads: number[] = [];
    const counting = new Proxy(world.clientJobs, {
      get: (target, prop, receiver) =>
        prop === 'readJobs'
          ? async (ids: number[]) => {
              reads.push(ids.length);
              return target.readJobs(ids);
            }
          : Reflect.get(target, prop, receiver),
    });
    expect((await world.poll({ clientJobs: counting })).mirror).toMatchObject({ visited: 2500 });
    expect(reads).toEqual([1000, 1000, 500]);
  });
});

describe('payments', () => {
  it('records a payment once, on the ledger and the document, and a repeat changes nothing', async () => {
    const world = await openedWorld();
    const first = await recordPayment(world.appDeps, PAYMENT);
    expect(first).toMatchObject({ outcome: 'recorded', closure: 'not-completed' });
    const again = await recordPayment(world.appDeps, { ...PAYMENT, amount: '99.000' });
    expect(again).toMatchObject({ outcome: 'duplicate', payment: { amount: '45.500' } });

    expect(world.payments.stored.size).toBe(1);
    expect(world.documents.docs.get('1')?.payments).toEqual([
      { payment_id: PAYMENT.paymentId, amount: '45.500', currency: 'GBP', paid_at: '2026-11-23T09:30:00.000Z' },
    ]);
    expect(world.transactions.forJob(1).filter((r) => r.event === 'PAYMENT')).toEqual([
      expect.objectContaining({ status: 'OPENED', note: expect.stringContaining('45.500 GBP') }),
    ]);
  });

  it('refuses a payment for a job we do not hold, writing nothing', async () => {
    const world = await openedWorld();
    expect(await recordPayment(world.appDeps, { ...PAYMENT, jobId: 2 })).toEqual({ outcome: 'unknown-job' });
    expect(world.payments.stored.size).toBe(0);
  });

  it('finishes the follow-ups on the provider retry after a crash right after recording', async () => {
    const world = await openedWorld();
    setClientStatus(world, 'JOB COMPLETED');
    await world.poll();
    const deps = { ...world.appDeps, payments: crashAfter(world.payments, 'record') };
    await expect(recordPayment(deps, PAYMENT)).rejects.toBeInstanceOf(InjectedCrash);
    expect(await recordPayment(world.appDeps, PAYMENT)).toMatchObject({ outcome: 'duplicate', closure: 'started' });
    expect(world.documents.docs.get('1')?.payments).toHaveLength(1);
    // The completion notice the status mirror queued, then the one feedback request.
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-1-completed', 'job-1-closed']);
  });
});

describe('closure', () => {
  async function completedAndPaid(): Promise<World> {
    const world = await openedWorld();
    setClientStatus(world, 'JOB COMPLETED');
    await world.poll();
    expect(await world.deliverDue()).toEqual(['sent']); // the customer hears the repair is finished
    await recordPayment(world.appDeps, PAYMENT);
    return world;
  }

  function expectClosedOnce(world: World): void {
    expect(world.gateway.sent.filter((s) => s.clientRef === 'job-1-closed')).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('CLOSED');
    expect(world.documents.docs.get('1')).toMatchObject({ job_status: 'CLOSED', sms: { feedback: { state: 'sent' } } });
    expect(world.transactions.forJob(1).filter((r) => r.status === 'CLOSED')).toHaveLength(1);
  }

  it('closes a completed job when payment arrives: one feedback SMS, then CLOSED everywhere', async () => {
    const world = await completedAndPaid();
    expect(world.queue.messages[0]?.body).toMatchObject({ event: 'job-closed', channel: 'sms', jobId: 1, text: expect.stringContaining('score from 1 (poor) to 5') });
    await world.deliverDue();
    expectClosedOnce(world);
    await world.poll();
    expect(world.tracking.jobs.get(1)).toMatchObject({ lastStatus: 'CLOSED', open: false });
  });

  it('closes a paid job when the client completes it (mirroring)', async () => {
    const world = await openedWorld();
    await recordPayment(world.appDeps, PAYMENT);
    setClientStatus(world, 'JOB COMPLETED');
    expect((await world.poll()).mirror).toMatchObject({ advanced: 1, closing: 1 });
    await world.deliverDue();
    expectClosedOnce(world);
  });

  it('sends one feedback SMS whatever triggers closure, however often', async () => {
    const world = await completedAndPaid();
    await Promise.all([
      requestClosure(world.appDeps, 1, 'again'),
      closeJob(world.appDeps, 1),
      recordPayment(world.appDeps, PAYMENT),
      world.poll(),
    ]);
    await world.deliverDue();
    await world.deliverDue();
    expect(await closeJob(world.appDeps, 1)).toEqual({ outcome: 'already-closed' });
    expectClosedOnce(world);
  });

  it.each([
    ['notificationLog', 'record'],
    ['clientJobs', 'moveStatuses'],
    ['documents', 'updateMany'],
    ['transactions', 'append'],
  ] as const)('ends CLOSED with one feedback SMS after a crash right after %s.%s', async (port, method) => {
    const world = await completedAndPaid();
    const crashing = { [port]: crashAfter(world.appDeps[port] as object, method as never) };
    await expect(world.deliverDue(crashing)).rejects.toSatisfy(isInjectedCrash);
    await world.deliverDue();
    expectClosedOnce(world);
  });

  it('repairs a feedback SMS logged but never queued, on a later poll', async () => {
    const world = await openedWorld();
    setClientStatus(world, 'JOB COMPLETED');
    await world.poll();
    const deps = world.with({ queue: crashAfter(world.queue, 'enqueue') });
    await expect(recordPayment(deps, PAYMENT)).rejects.toBeInstanceOf(InjectedCrash);
    world.queue.drain(world.clock.now());
    world.queue.seen.clear();

    world.clock.advance(11 * 60_000);
    await world.poll();
    await world.deliverDue();
    expectClosedOnce(world);
  });

  it('closes an unpaid completed job on explicit request, and refuses one not yet completed', async () => {
    const world = await openedWorld();
    expect(await closeJob(world.appDeps, 1)).toEqual({ outcome: 'not-completed', status: 'OPENED' });
    expect(world.queue.messages).toHaveLength(0);
    setClientStatus(world, 'JOB COMPLETED');
    expect(await closeJob(world.appDeps, 1)).toEqual({ outcome: 'started' });
    expect(world.transactions.forJob(1).find((r) => r.event === 'CLOSURE')?.note).toContain('without a recorded payment');
    expect(await closeJob(world.appDeps, 99)).toEqual({ outcome: 'unknown-job' });
  });

  it('closes a job without a usable mobile, saying why no feedback SMS went', async () => {
    const world = await openedWorld({ mobile: null });
    setClientStatus(world, 'JOB COMPLETED');
    await world.poll();
    await recordPayment(world.appDeps, PAYMENT);
    expect(world.clientJobs.status(1)).toBe('CLOSED');
    expect(world.transactions.forJob(1).at(-1)?.note).toContain('No Feedback SMS: no mobile number on the job');
  });
});

describe('job API', () => {
  it('returns the document with its history and records the read', async () => {
    const world = await openedWorld();
    const found = await getJobWithHistory(world.appDeps, 1, 'inv-1');
    expect(found?.job.job_status).toBe('OPENED');
    expect(found?.history.map((r) => r.event)).toEqual(['INGEST', 'NOTIFY', 'STATUS', 'GET']);
    expect(await getJobWithHistory(world.appDeps, 2, 'inv-2')).toBeUndefined();
    expect(world.transactions.forJob(2)).toHaveLength(0);
  });

  it('moves a job one step forward with one row per PUT, and refuses anything else with a reason', async () => {
    const world = await openedWorld();
    const deps = world.appDeps;
    expect(await changeJobStatus(deps, 1, { status: 'JOB COMPLETED' }, 'r1')).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('one step at a time') });
    expect(await changeJobStatus(deps, 1, { status: 'CLOSED' }, 'r2')).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('/close') });
    expect(await changeJobStatus(deps, 1, { status: 'NEW' }, 'r3')).toMatchObject({ outcome: 'refused' });
    const rowsBefore = world.transactions.rows.length;

    expect(await changeJobStatus(deps, 1, { status: 'IN PROGRESS', note: 'bench 3' }, 'r4')).toMatchObject({ outcome: 'moved', job: { job_status: 'IN PROGRESS' } });
    expect(await changeJobStatus(deps, 1, { status: 'IN PROGRESS' }, 'r5')).toMatchObject({ outcome: 'unchanged' });
    expect(world.transactions.rows.length).toBe(rowsBefore + 2);
    expect(world.transactions.forJob(1).at(-2)).toMatchObject({ event: 'PUT', status: 'IN PROGRESS', note: expect.stringContaining('bench 3') });
    expect(world.clientJobs.status(1)).toBe('IN PROGRESS');
    expect((await world.poll()).mirror).toMatchObject({ advanced: 0, flagged: 0 });
  });

  it('refuses a PUT that lost a race with the client system', async () => {
    const world = await openedWorld();
    const racing = {
      ...world.appDeps,
      clientJobs: Object.assign(Object.create(world.clientJobs), {
        moveStatus: async () => {
          setClientStatus(world, 'IN PROGRESS');
          return false;
        },
      }),
    };
    expect(await changeJobStatus(racing, 1, { status: 'IN PROGRESS' }, 'r1')).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('changed in the client system') });
  });

  it('starts closure when staff complete a job that is already paid', async () => {
    const world = await openedWorld();
    await recordPayment(world.appDeps, PAYMENT);
    await changeJobStatus(world.appDeps, 1, { status: 'IN PROGRESS' }, 'r1');
    await changeJobStatus(world.appDeps, 1, { status: 'JOB COMPLETED' }, 'r2');
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-1-in-progress', 'job-1-completed', 'job-1-closed']);
    expect(await sendNotification(world.sendDeps, world.queue.messages[2]!.body)).toBe('sent');
    expect(world.clientJobs.status(1)).toBe('CLOSED');
  });
});
