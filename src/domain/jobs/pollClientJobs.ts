import { statusEventKey, toJobDocument, type ClientJob } from './job.js';
import { mirrorClientStatuses, type MirrorDeps, type MirrorReport } from './mirrorClientStatuses.js';
import { FINAL_NOTIFICATION_STATES, type JobNotificationEntry } from '../notifications/ports.js';
import type { PollCheckpoints } from './ports.js';
import { queueJobNotifications, repairNotifications, repairStrandedNotifications, type NotificationRepairTimings } from '../notifications/outbox.js';
import { customersForNewJobs } from '../customers/jobCustomers.js';

export interface PollSettings extends NotificationRepairTimings {
  batchSize: number;
  lookbackIds: number;
  sweepIds: number;
  /** Open jobs whose client status each poll mirrors; the next poll carries on from there. */
  mirrorRows: number;
  /** The poll stops taking new batches after this long and leaves the rest to the next poll. */
  maxRunMs: number;
}

export interface PollDeps extends MirrorDeps {
  checkpoints: PollCheckpoints;
  settings: PollSettings;
}

export interface PollReport {
  scanned: number;
  ingested: number;
  courtesyQueued: number;
  courtesyImpossible: number;
  repaired: number;
  checkpoint: number;
  mirror?: MirrorReport;
}

/**
 * Finds new client jobs by primary-key range from a checkpoint, so an idle poll costs the same
 * for a thousand rows or ten million. A bounded look-back below the checkpoint catches ids that
 * committed out of order, and a sweep that walks the rest of the table a slice per poll catches
 * jobs set back to NEW. An entry of its courtesy notification in the notification log is the marker that a job's ingestion is complete.
 * Then the client statuses of a slice of the open jobs are mirrored (mirrorClientStatuses), from
 * the checkpoint's mirror cursor, which is saved only once its slice is done: a crash in between
 * makes the next poll mirror the same slice again, which changes nothing already mirrored. Last,
 * notifications a crash stranded (of any job or none) are handed to the queue again.
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
  report.mirror = await mirrorClientStatuses(deps, settings, { afterJobId: checkpoint.mirrorJobId, rows: settings.mirrorRows });
  if (report.mirror.nextJobId !== checkpoint.mirrorJobId) {
    await deps.checkpoints.save({ ...checkpoint, mirrorJobId: report.mirror.nextJobId });
  }
  report.repaired += await repairStrandedNotifications(deps, settings);
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
  const byId = new Map(candidates.map((job) => [job.jobId, job]));
  const known = await deps.notificationLog.forJobs([...byId.keys()], 'job-received');
  const announced = new Set(known.map((entry) => entry.jobId));
  await ingest(deps, [...byId.values()].filter((job) => !announced.has(job.jobId)), report);
  report.repaired += await repairNotifications(deps, deps.settings, await withoutJobsMovedBack(deps, known));
}

/**
 * A NEW job whose courtesy SMS is settled is either one a crash stopped half-way (its document is
 * still NEW) or one the client set back to NEW after we opened it. Only the first is repaired;
 * status mirroring flags the second.
 */
async function withoutJobsMovedBack(deps: PollDeps, entries: JobNotificationEntry[]): Promise<JobNotificationEntry[]> {
  const kept: JobNotificationEntry[] = [];
  for (const entry of entries) {
    const settled = FINAL_NOTIFICATION_STATES.includes(entry.state);
    if (!settled || (await deps.documents.get(entry.jobId))?.job_status === 'NEW') kept.push(entry);
  }
  return kept;
}

async function ingest(deps: PollDeps, jobs: ClientJob[], report: PollReport): Promise<void> {
  if (jobs.length === 0) return;
  const now = deps.clock.now();
  // Customers first: a crash after this step finds the same customers again (INSERT IGNORE, then by mobile).
  const customerOf = await customersForNewJobs(deps, jobs);
  await deps.documents.createMissing(jobs.map((job) => toJobDocument(job, now, customerOf.get(job.jobId) ?? null)));
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
  await deps.tracking.track(jobs.map((job) => ({ jobId: job.jobId, status: 'NEW', product: job.productType })));
  const courtesy = await queueJobNotifications(deps, 'job-received', jobs, customerOf);
  report.ingested += jobs.length;
  report.courtesyQueued += courtesy.queued;
  report.courtesyImpossible += courtesy.skipped;
}
