import type { ClientJob } from './job.js';
import type { MirrorReport, MirrorSlice } from './mirrorClientStatuses.js';
import type { NewJobs } from './newJobs.js';
import type { ClientJobs, PollCheckpoints } from './ports.js';
import type { NotificationRepair, NotificationRepairTimings } from '../notifications/repair.js';
import type { Clock } from '../shared/ports.js';

export interface PollSettings extends NotificationRepairTimings {
  batchSize: number;
  lookbackIds: number;
  sweepIds: number;
  /** Open jobs whose client status each poll mirrors; the next poll carries on from there. */
  mirrorRows: number;
  /** The poll stops taking new batches after this long and leaves the rest to the next poll. */
  maxRunMs: number;
}

export interface PollDeps {
  checkpoints: PollCheckpoints;
  clientJobs: Pick<ClientJobs, 'readJobsAfter' | 'readNewJobsInRange'>;
  /** Ingests new jobs, repairs those a crash left half-ingested. */
  newJobs: NewJobs;
  /** Mirrors the client statuses of a slice of the open jobs (mirrorClientStatuses). */
  mirror: (slice: MirrorSlice) => Promise<MirrorReport>;
  repair: NotificationRepair;
  clock: Clock;
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
    const intake = await deps.newJobs.process([...pending, ...batch.filter((job) => job.status === 'NEW')]);
    report.ingested += intake.ingested;
    report.courtesyQueued += intake.courtesyQueued;
    report.courtesyImpossible += intake.courtesyImpossible;
    report.repaired += intake.repaired;
    pending = [];
    const last = batch.at(-1);
    if (last) checkpoint = { ...checkpoint, lastJobId: last.jobId };
    await deps.checkpoints.save(checkpoint, deps.clock.now());
    const outOfTime = deps.clock.now().getTime() - startedAt >= settings.maxRunMs;
    if (batch.length < settings.batchSize || outOfTime) break;
  }
  report.checkpoint = checkpoint.lastJobId;
  report.mirror = await deps.mirror({ afterJobId: checkpoint.mirrorJobId, rows: settings.mirrorRows });
  if (report.mirror.nextJobId !== checkpoint.mirrorJobId) {
    await deps.checkpoints.save({ ...checkpoint, mirrorJobId: report.mirror.nextJobId }, deps.clock.now());
  }
  report.repaired += await deps.repair.repairStranded();
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
