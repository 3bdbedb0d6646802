import { toJobDocument, type ClientJob } from './job.js';
import { maskPhone, toE164 } from './phone.js';
import {
  FINAL_SMS_STATES,
  type ClientJobs,
  type Clock,
  type JobDocuments,
  type JobTransactions,
  type Logger,
  type OutboundSms,
  type PollCheckpoints,
  type SmsLog,
  type SmsLogEntry,
  type SmsQueue,
} from './ports.js';
import { completeJobAfterSms, statusEventKey } from './smsCompletion.js';
import { courtesyText } from './smsTexts.js';
import { smsMessageKey } from './smsMessage.js';

export interface PollSettings {
  batchSize: number;
  lookbackIds: number;
  sweepIds: number;
  /** A `queued` courtesy SMS older than this is handed to the queue again (its messageId is the same). */
  requeueAfterMs: number;
  /** A `sending` SMS untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
  /** The poll stops taking new batches after this long and leaves the rest to the next poll. */
  maxRunMs: number;
}

export interface PollDeps {
  clientJobs: ClientJobs;
  documents: JobDocuments;
  transactions: JobTransactions;
  smsLog: SmsLog;
  queue: SmsQueue;
  checkpoints: PollCheckpoints;
  clock: Clock;
  logger: Logger;
  settings: PollSettings;
}

export interface PollReport {
  scanned: number;
  ingested: number;
  courtesyQueued: number;
  courtesyImpossible: number;
  repaired: number;
  checkpoint: number;
}

/**
 * Finds new client jobs by primary-key range from a checkpoint, so an idle poll costs the same
 * for a thousand rows or ten million. A bounded look-back below the checkpoint catches ids that
 * committed out of order, and a sweep that walks the rest of the table a slice per poll catches
 * jobs set back to NEW. The SMS log row is the marker that a job's ingestion is complete.
 */
export async function pollClientJobs(deps: PollDeps): Promise<PollReport> {
  const { settings } = deps;
  const startedAt = deps.clock.now().getTime();
  const report: PollReport = { scanned: 0, ingested: 0, courtesyQueued: 0, courtesyImpossible: 0, repaired: 0, checkpoint: 0 };
  let checkpoint = await deps.checkpoints.read();

  const below = await readReconciliationCandidates(deps, checkpoint);
  checkpoint = { ...checkpoint, sweepJobId: below.nextSweepJobId };
  let pending: ClientJob[] = below.jobs;

  for (;;) {
    const batch = await deps.clientJobs.readJobsAfter(checkpoint.lastJobId, settings.batchSize);
    report.scanned += batch.length;
    await processCandidates(deps, [...pending, ...batch.filter((job) => job.status === 'NEW')], report);
    pending = [];
    const last = batch.at(-1);
    if (last) checkpoint = { ...checkpoint, lastJobId: last.jobId };
    await deps.checkpoints.save(checkpoint);
    const outOfTime = deps.clock.now().getTime() - startedAt >= settings.maxRunMs;
    if (batch.length < settings.batchSize || outOfTime) break;
  }
  report.checkpoint = checkpoint.lastJobId;
  return report;
}

async function readReconciliationCandidates(
  deps: PollDeps,
  checkpoint: { lastJobId: number; sweepJobId: number },
): Promise<{ jobs: ClientJob[]; nextSweepJobId: number }> {
  const { lookbackIds, sweepIds } = deps.settings;
  const lookbackFrom = Math.max(0, checkpoint.lastJobId - lookbackIds);
  const sweepFrom = checkpoint.sweepJobId < lookbackFrom ? checkpoint.sweepJobId : 0;
  const sweepTo = Math.min(sweepFrom + sweepIds, lookbackFrom);
  const [recent, swept] = await Promise.all([
    checkpoint.lastJobId > 0 ? deps.clientJobs.readNewJobsInRange(lookbackFrom, checkpoint.lastJobId) : [],
    sweepTo > sweepFrom ? deps.clientJobs.readNewJobsInRange(sweepFrom, sweepTo) : [],
  ]);
  return { jobs: [...swept, ...recent], nextSweepJobId: sweepTo >= lookbackFrom ? 0 : sweepTo };
}

async function processCandidates(deps: PollDeps, candidates: ClientJob[], report: PollReport): Promise<void> {
  if (candidates.length === 0) return;
  const byKey = new Map(candidates.map((job) => [smsMessageKey('job-received', job.jobId), job]));
  const known = new Map((await deps.smsLog.getMany([...byKey.keys()])).map((entry) => [entry.messageKey, entry]));
  const fresh = [...byKey.values()].filter((job) => !known.has(smsMessageKey('job-received', job.jobId)));
  await ingest(deps, fresh, report);
  await repair(deps, [...known.values()], report);
}

async function ingest(deps: PollDeps, jobs: ClientJob[], report: PollReport): Promise<void> {
  if (jobs.length === 0) return;
  const now = deps.clock.now();
  await deps.documents.createMissing(jobs.map((job) => toJobDocument(job, now)));
  await deps.transactions.append(
    jobs.map((job) => ({
      jobId: job.jobId,
      status: 'NEW',
      note: 'Job ingested from the client system',
      event: 'INGEST' as const,
      eventKey: statusEventKey(job.jobId, 'NEW'),
      at: now,
    })),
  );

  const messages: OutboundSms[] = [];
  const impossible: Array<{ job: ClientJob; reason: string }> = [];
  for (const job of jobs) {
    const courtesy = courtesyMessage(job);
    if ('reason' in courtesy) impossible.push({ job, reason: courtesy.reason });
    else messages.push(courtesy);
  }

  await deps.smsLog.register([
    ...messages.map((m) => ({ messageKey: m.messageId, jobId: m.body.jobId, kind: m.body.kind, state: 'queued' as const, toMasked: maskPhone(m.body.to), detail: null })),
    ...impossible.map(({ job, reason }) => ({
      messageKey: smsMessageKey('job-received', job.jobId),
      jobId: job.jobId,
      kind: 'job-received' as const,
      state: 'skipped' as const,
      toMasked: maskPhone(job.mobile),
      detail: reason,
    })),
  ]);
  await deps.queue.enqueue(messages);
  for (const { job } of impossible) {
    const entry = await deps.smsLog.get(smsMessageKey('job-received', job.jobId));
    if (entry) await completeJobAfterSms(deps, entry);
  }
  report.ingested += jobs.length;
  report.courtesyQueued += messages.length;
  report.courtesyImpossible += impossible.length;
}

/** Finishes jobs that a crash left half-way: still NEW although their SMS is settled or stuck. */
async function repair(deps: PollDeps, entries: SmsLogEntry[], report: PollReport): Promise<void> {
  const now = deps.clock.now().getTime();
  const { requeueAfterMs, staleSendingMs } = deps.settings;
  const requeue: SmsLogEntry[] = [];
  for (const entry of entries) {
    const age = now - entry.updatedAt.getTime();
    if (entry.state === 'queued' && age >= requeueAfterMs) {
      requeue.push(entry);
    } else if (entry.state === 'sending' && age >= staleSendingMs) {
      if (await deps.smsLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted' })) {
        await completeJobAfterSms(deps, { ...entry, state: 'unknown' });
        report.repaired += 1;
      }
    } else if (FINAL_SMS_STATES.includes(entry.state)) {
      await completeJobAfterSms(deps, entry);
      report.repaired += 1;
    }
  }
  if (requeue.length === 0) return;
  const jobs = await deps.clientJobs.readJobs(requeue.map((entry) => entry.jobId));
  const messages = jobs.map(courtesyMessage).filter((m): m is OutboundSms => !('reason' in m));
  await deps.queue.enqueue(messages);
  for (const message of messages) await deps.smsLog.record(message.messageId, 'queued', { state: 'queued' });
  report.repaired += messages.length;
}

function courtesyMessage(job: ClientJob): OutboundSms | { reason: string } {
  const phone = toE164(job.mobile);
  if (!phone.ok) return { reason: phone.reason };
  return {
    messageId: smsMessageKey('job-received', job.jobId),
    body: { kind: 'job-received', jobId: job.jobId, to: phone.e164, text: courtesyText(job) },
  };
}
