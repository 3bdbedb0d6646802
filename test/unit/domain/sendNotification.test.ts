import { describe, expect, it } from 'vitest';
import { AttemptNotRecordedError, NotificationInFlightError } from '../../../src/domain/notifications/attempts.js';
import { deferralDelayMs, deferNotification, MAX_DEFERRALS } from '../../../src/domain/notifications/deferral.js';
import { retryDelayMs, throttleRetryDelayMs } from '../../../src/domain/notifications/retries.js';
import { sendNotification } from '../../../src/domain/notifications/sendNotification.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { createWorld } from '../../support/world.js';

async function worldWithQueuedCourtesy(jobCount = 1) {
  const world = createWorld(Array.from({ length: jobCount }, (_, i) => clientJob(i + 1)));
  await world.poll();
  return world;
}

describe('sendNotification (courtesy)', () => {
  it('sends through the gateway, logs the outcome and opens the job in all three places', async () => {
    const world = await worldWithQueuedCourtesy();
    const message = world.queue.messages[0]!.body;
    expect(await world.deliverDue()).toEqual(['sent']);

    expect(world.gateway.sent).toEqual([{ channel: 'sms', to: '+447770123456', text: message.text, clientRef: 'job-1-received' }]);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', attempts: 1, providerMessageId: 'vonage-1', price: '0.033' });
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.documents.docs.get('1')).toMatchObject({ job_status: 'OPENED', sms: { courtesy: { state: 'sent', providerMessageId: 'vonage-1' } } });
    expect(world.transactions.forJob(1).map((r) => [r.event, r.status])).toEqual([
      ['INGEST', 'NEW'],
      ['NOTIFY', 'NEW'],
      ['STATUS', 'OPENED'],
    ]);
    expect(world.transactions.forJob(1)[1]?.note).toContain('***456');
    expect(JSON.stringify(world.transactions.rows)).not.toContain('7770123456');
  });

  it('reaches the gateway once when the same message is delivered twice, in turn or at once', async () => {
    const world = await worldWithQueuedCourtesy(2);
    const [first, second] = world.queue.drain(world.clock.now());
    expect(await sendNotification(world.sendDeps, first!.body)).toBe('sent');
    expect(await sendNotification(world.sendDeps, first!.body)).toBe('already-settled');
    const concurrent = await Promise.allSettled([sendNotification(world.sendDeps, second!.body), sendNotification(world.sendDeps, second!.body)]);
    expect(concurrent.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort()).toEqual(['claimed-elsewhere', 'sent']);
    expect(world.gateway.calls).toHaveLength(2);
    expect(world.transactions.forJob(1).filter((r) => r.event === 'STATUS')).toHaveLength(1);
  });

  it('completes the jobs of SMS that settle together in one batch of writes, each delivery finishing with its job', async () => {
    const world = await worldWithQueuedCourtesy(20);
    const appends: number[] = [];
    const append = world.transactions.append.bind(world.transactions);
    world.transactions.append = (rows) => {
      appends.push(rows.length);
      return append(rows);
    };
    const results = await Promise.all(world.queue.drain(world.clock.now()).map((m) => sendNotification(world.sendDeps, m.body)));

    expect(results).toEqual(Array(20).fill('sent'));
    for (let id = 1; id <= 20; id++) expect(world.clientJobs.status(id)).toBe('OPENED');
    expect(world.gateway.calls).toHaveLength(20);
    // SMS rows then STATUS rows per completion batch: far fewer appends than two per SMS.
    expect(appends.length).toBeLessThan(10);
    expect(appends.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('retries throttling within seconds and outages later with growing backoff, then succeeds', async () => {
    const world = await worldWithQueuedCourtesy();
    world.gateway.reply(
      { outcome: 'retryable', reason: 'throttled', errorCode: '1', detail: 'Throughput Rate Exceeded' },
      { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-503', detail: 'Vonage answered HTTP 503' },
    );
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    const throttleDelay = throttleRetryDelayMs('job-1-received', 1);
    expect(throttleDelay).toBeGreaterThanOrEqual(1_000);
    expect(throttleDelay).toBeLessThan(2_000);
    expect(world.queue.messages[0]).toMatchObject({
      messageId: 'job-1-received-attempt-2',
      scheduledAt: new Date(world.clock.now().getTime() + throttleDelay),
    });
    expect(world.clientJobs.status(1)).toBe('NEW');
    expect(await world.deliverDue()).toEqual([]);

    world.clock.advance(throttleDelay);
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    expect(world.queue.messages[0]).toMatchObject({
      messageId: 'job-1-received-attempt-3',
      scheduledAt: new Date(world.clock.now().getTime() + retryDelayMs(2)),
    });
    world.clock.advance(retryDelayMs(2));
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', attempts: 3 });
    expect(world.gateway.sent).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('retries throttling growing slowly (1 s, 1.5 s, 2.25 s ... up to 15 s) with up to a second of jitter', () => {
    const delays = [1, 2, 3, 10, 30].map((attempt) => throttleRetryDelayMs('job-7-received', attempt));
    const floors = [1_000, 1_500, 2_250, 15_000, 15_000];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(floors[i]!);
      expect(delay).toBeLessThan(floors[i]! + 1_000);
    });
    const jitters = Array.from({ length: 50 }, (_, i) => throttleRetryDelayMs(`job-${i}-received`, 1) - 1_000);
    expect(new Set(jitters).size).toBeGreaterThan(10);
  });

  it('paces every send through the pacer before claiming it', async () => {
    const world = await worldWithQueuedCourtesy(3);
    await world.deliverDue();
    expect(world.pacer.acquired).toBe(3);
  });

  it('backs off exponentially up to 30 minutes', () => {
    expect([1, 2, 3, 7, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 1_800_000, 1_800_000]);
  });

  it('records a permanent rejection once, never retries it, and opens the job with the reason', async () => {
    const world = await worldWithQueuedCourtesy();
    world.gateway.reply({ outcome: 'rejected', errorCode: '7', detail: 'Number barred' });
    expect(await world.deliverDue()).toEqual(['rejected']);
    expect(world.queue.messages).toHaveLength(0);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'rejected', errorCode: '7' });
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.transactions.forJob(1).find((r) => r.event === 'NOTIFY')?.note).toContain('Number barred');
  });

  it('gives up as failed after the last attempt, still opening the job', async () => {
    const world = await worldWithQueuedCourtesy();
    const outage = { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-500', detail: 'Vonage answered HTTP 500' } as const;
    world.gateway.reply(outage, outage, outage, outage);
    for (let i = 0; i < 4; i++) {
      await world.deliverDue();
      world.clock.advance(retryDelayMs(4));
    }
    expect(world.gateway.calls).toHaveLength(4);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'failed', attempts: 4 });
    expect(world.queue.messages).toHaveLength(0);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('never sends again after a crash between the claim and recording the send', async () => {
    const world = await worldWithQueuedCourtesy();
    const crashingLog = crashAfter(world.notificationLog, 'claimForSending');
    const message = world.queue.messages[0]!.body;
    await expect(sendNotification({ ...world.sendDeps, notificationLog: crashingLog }, message)).rejects.toBeInstanceOf(AttemptNotRecordedError);

    await expect(sendNotification(world.sendDeps, message)).rejects.toBeInstanceOf(NotificationInFlightError);
    world.clock.advance(5 * 60_000);
    expect(await sendNotification(world.sendDeps, message)).toBe('interrupted-earlier');
    expect(world.gateway.calls).toHaveLength(0);
    expect(world.notificationLog.entries.get('job-1-received')?.state).toBe('unknown');
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.transactions.forJob(1).find((r) => r.event === 'NOTIFY')?.note).toContain('not resent');
  });

  it('takes back a claim whose confirmation was lost and sends once when the deferred message comes back', async () => {
    const world = await worldWithQueuedCourtesy();
    const [queued] = world.queue.drain(world.clock.now());
    const failure = await sendNotification({ ...world.sendDeps, notificationLog: crashAfter(world.notificationLog, 'claimForSending') }, queued!.body).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AttemptNotRecordedError);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sending', attempts: 1 });

    expect(await deferNotification(world.sendDeps, queued!.body, queued!.messageId, failure)).toMatchObject({ outcome: 'deferred', messageId: 'job-1-received-defer-1' });
    expect(world.queue.messages[0]?.body).toMatchObject({ lastAttempt: { attempt: 1, state: 'not-sent' } });
    world.clock.advance(deferralDelayMs(1));
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.calls).toHaveLength(1);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', attempts: 2 });
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('records Vonage\'s answer from the deferred message when the log could not take it, at once and without sending again', async () => {
    const world = await worldWithQueuedCourtesy();
    const [queued] = world.queue.drain(world.clock.now());
    const failingRecord = { ...world.notificationLog, record: async () => Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })) };
    const failure = await sendNotification({ ...world.sendDeps, notificationLog: Object.setPrototypeOf(failingRecord, world.notificationLog) }, queued!.body).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AttemptNotRecordedError);
    expect(world.gateway.sent).toHaveLength(1);

    await deferNotification(world.sendDeps, queued!.body, queued!.messageId, failure);
    expect(world.queue.messages[0]?.body.lastAttempt).toEqual({ attempt: 1, state: 'sent', gateway: 'vonage-sms', providerMessageId: 'vonage-1', price: '0.033' });
    world.clock.advance(deferralDelayMs(1));
    expect(await world.deliverDue()).toEqual(['already-settled']);
    expect(world.gateway.calls).toHaveLength(1);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', providerMessageId: 'vonage-1', attempts: 1 });
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('keeps Vonage\'s answer through every deferral while the database stays down, then records it without waiting for the stale repair', async () => {
    const world = await worldWithQueuedCourtesy();
    let databaseDown = false;
    const outage = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));
    const log = new Proxy(world.notificationLog, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (databaseDown ? outage() : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const deps = { ...world.sendDeps, notificationLog: log };
    // The first delivery sends; the database goes down before Vonage's answer is written.
    const { record } = world.notificationLog;
    world.notificationLog.record = async () => {
      databaseDown = true;
      return outage();
    };
    const deferrals: string[] = [];
    const deliver = async () => {
      for (const queued of world.queue.drain(world.clock.now())) {
        const failure = await sendNotification(deps, queued.body).then(() => undefined, (error: unknown) => error);
        if (failure === undefined) continue;
        const deferred = await deferNotification(world.sendDeps, queued.body, queued.messageId, failure);
        if (deferred.outcome === 'deferred') deferrals.push(deferred.messageId);
      }
    };
    await deliver();
    world.notificationLog.record = record;
    expect(world.gateway.sent).toHaveLength(1);
    for (const generation of [2, 3, 4]) {
      world.clock.advance(deferralDelayMs(generation - 1));
      await deliver();
    }
    expect(deferrals).toEqual(['job-1-received-defer-1', 'job-1-received-defer-2', 'job-1-received-defer-3', 'job-1-received-defer-4']);
    expect(world.queue.messages[0]?.body.lastAttempt).toMatchObject({ attempt: 1, state: 'sent', providerMessageId: 'vonage-1' });

    databaseDown = false;
    world.clock.advance(deferralDelayMs(4));
    expect(world.clock.now().getTime() - world.notificationLog.entries.get('job-1-received')!.updatedAt.getTime()).toBeLessThan(world.sendDeps.settings.staleSendingMs);
    expect(await world.deliverDue()).toEqual(['already-settled']);
    expect(world.gateway.calls).toHaveLength(1);
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', providerMessageId: 'vonage-1', attempts: 1 });
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('never takes back a claim on the strength of a stale proof: another delivery may be sending', async () => {
    const world = await worldWithQueuedCourtesy();
    const [queued] = world.queue.drain(world.clock.now());
    await world.notificationLog.claimForSending('job-1-received', 'queued', 0, 'vonage-sms', world.clock.now());
    await world.notificationLog.record('job-1-received', 'sending', { state: 'retrying' }, world.clock.now());
    await world.notificationLog.claimForSending('job-1-received', 'retrying', 1, 'vonage-sms', world.clock.now()); // a later claim (attempt 2) by someone else
    await expect(sendNotification(world.sendDeps, { ...queued!.body, lastAttempt: { attempt: 1, state: 'not-sent' } })).rejects.toBeInstanceOf(NotificationInFlightError);
    expect(world.gateway.calls).toHaveLength(0);
  });

  it('puts a message off with a fresh id each time, growing from 5 s to 5 minutes, and gives up after the last', async () => {
    const world = await worldWithQueuedCourtesy();
    const [queued] = world.queue.drain(world.clock.now());
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    let messageId = queued!.messageId;
    for (const generation of [1, 2, 3]) {
      const deferred = await deferNotification(world.sendDeps, queued!.body, messageId, cause);
      expect(deferred).toEqual({ outcome: 'deferred', messageId: `job-1-received-defer-${generation}`, until: new Date(world.clock.now().getTime() + deferralDelayMs(generation)) });
      messageId = deferred.outcome === 'deferred' ? deferred.messageId : messageId;
    }
    expect([1, 2, 3, 10, 50].map(deferralDelayMs)).toEqual([5_000, 10_000, 20_000, 300_000, 300_000]);
    expect(world.queue.messages.map((m) => m.body.lastAttempt)).toEqual([undefined, undefined, undefined]);
    expect(await deferNotification(world.sendDeps, queued!.body, `job-1-received-defer-${MAX_DEFERRALS}`, cause)).toEqual({ outcome: 'give-up' });
  });

  const completionSteps = [
    ['notificationLog', 'record'],
    ['clientJobs', 'moveStatuses'],
    ['documents', 'updateMany'],
    ['transactions', 'append'],
  ] as const;

  it.each(completionSteps)('finishes on redelivery after a crash right after %s.%s, sending once', async (port, method) => {
    const world = await worldWithQueuedCourtesy();
    const crashing = { [port]: crashAfter(world.appDeps[port] as object, method as never) };
    await expect(world.deliverDue(crashing)).rejects.toSatisfy(isInjectedCrash);
    await world.deliverDue();

    expect(world.gateway.calls).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.documents.docs.get('1')?.job_status).toBe('OPENED');
    expect(world.transactions.forJob(1).filter((r) => r.event === 'NOTIFY')).toHaveLength(1);
    expect(world.transactions.forJob(1).filter((r) => r.event === 'STATUS')).toHaveLength(1);
  });

  it.each(completionSteps)(
    'finishes through the next poll, as our own move, after a crash right after %s.%s whose message is lost',
    async (port, method) => {
      const world = await worldWithQueuedCourtesy();
      const crashing = { [port]: crashAfter(world.appDeps[port] as object, method as never) };
      await expect(world.deliverDue(crashing)).rejects.toSatisfy(isInjectedCrash);
      world.queue.messages.length = 0; // the process died with the message (kill -9 of the local host)
      world.clock.advance(10 * 60_000);
      await world.poll();

      expect(world.gateway.calls).toHaveLength(1);
      expect(world.clientJobs.status(1)).toBe('OPENED');
      expect(world.documents.docs.get('1')).toMatchObject({ job_status: 'OPENED', sms: { courtesy: { state: 'sent' } } });
      const history = world.transactions.forJob(1);
      expect(history.filter((r) => r.event === 'NOTIFY')).toHaveLength(1);
      expect(history.filter((r) => r.event === 'STATUS')).toEqual([expect.objectContaining({ status: 'OPENED', note: expect.stringContaining('Courtesy SMS sent') })]);
      expect(history.some((r) => r.note.includes('Client system moved'))).toBe(false);
    },
  );

  it('does not move a job the client already moved elsewhere, and says so', async () => {
    const world = await worldWithQueuedCourtesy();
    world.clientJobs.rows.get(1)!.status = 'CANCELLED';
    await world.deliverDue();
    expect(world.clientJobs.status(1)).toBe('CANCELLED');
    expect(world.documents.docs.get('1')?.job_status).toBe('NEW');
    expect(world.transactions.forJob(1).filter((r) => r.event === 'STATUS')).toHaveLength(0);
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', fields: { jobId: 1, expected: 'NEW', found: 'CANCELLED' } }));
  });

  it('keeps what an early delivery receipt recorded on the document', async () => {
    const world = await worldWithQueuedCourtesy();
    const doc = world.documents.docs.get('1')!;
    doc.sms.courtesy = { messageKey: 'job-1-received', state: 'sending', at: 'earlier', note: '', delivery: { status: 'delivered' } } as never;
    await world.deliverDue();
    expect(world.documents.docs.get('1')?.sms.courtesy).toMatchObject({ state: 'sent', delivery: { status: 'delivered' } });
  });
});
