import { isJobStatus, statusRank, type JobStatus } from './jobStatus.js';
import type { ClientJobs, JobTracking, TrackedJob } from './ports.js';
import { MISSING_JOB, type ClientStatusRecord, type CompletedJobsClosing, type OwnSteps } from './mirrorSteps.js';
import { EVENT_STEPS } from './notificationSummaries.js';
import type { JobStatusMoves, StatusMove } from './statusEvents.js';

export interface MirrorDeps {
  tracking: Pick<JobTracking, 'openJobsAfter'>;
  clientJobs: Pick<ClientJobs, 'readJobs'>;
  /** Our own steps (OPENED, CLOSED) a crash cut short after the client update. */
  ownSteps: OwnSteps;
  /** The client's moves and refusals on the job's document and history. */
  record: ClientStatusRecord;
  statusMoves: JobStatusMoves;
  /** Completed jobs: their closure repaired, or started once they are paid. */
  closing: CompletedJobsClosing;
}

export interface MirrorReport {
  /** Open jobs looked at in this poll (at most the slice). */
  visited: number;
  advanced: number;
  /** Our own moves (courtesy or feedback message settled) that a crash left half-written, now finished. */
  finished: number;
  flagged: number;
  closing: number;
  /** Where the next poll's slice starts: the last job visited, or 0 to start again from the first open job. */
  nextJobId: number;
}

/** The part of the open jobs one poll mirrors. */
export interface MirrorSlice {
  /** The cursor: the slice starts with the first open job after this id (0: the first open job). */
  afterJobId: number;
  /** At most this many open jobs are visited. */
  rows: number;
}

const CHUNK = 1000;

/**
 * Brings client-made status changes of our open jobs into Cosmos and job_trans. Each poll visits a
 * bounded slice of the open jobs, in id order from a cursor, wrapping round to the first open job
 * when it reaches the last, so a poll costs the same for a thousand open jobs or a million and
 * every open job is visited within ceil(open / rows) polls. It reads the open jobs, then the
 * client rows by primary key, in chunks, so its cost never follows the size of `Jobs`.
 * Forward moves are applied; a backward or unknown status is logged and flagged once, never
 * applied. A job that is completed and paid starts closing.
 */
export async function mirrorClientStatuses(deps: MirrorDeps, slice: MirrorSlice): Promise<MirrorReport> {
  const report: MirrorReport = { visited: 0, advanced: 0, finished: 0, flagged: 0, closing: 0, nextJobId: 0 };
  let after = slice.afterJobId;
  // Once wrapped round, the jobs past the starting cursor were visited already in this poll.
  let wrapped = after === 0;
  let remaining = slice.rows;
  while (remaining > 0) {
    const limit = Math.min(CHUNK, remaining);
    const read = await deps.tracking.openJobsAfter(after, limit);
    const chunk = wrapped && slice.afterJobId > 0 ? read.filter((t) => t.jobId <= slice.afterJobId) : read;
    await mirrorChunk(deps, chunk, report);
    remaining -= chunk.length;
    if (chunk.length === limit) {
      after = chunk.at(-1)!.jobId;
    } else if (wrapped) {
      after = 0; // every open job visited in this poll
      break;
    } else {
      wrapped = true; // past the last open job: carry on from the first
      after = 0;
    }
  }
  report.nextJobId = after;
  return report;
}

async function mirrorChunk(deps: MirrorDeps, tracked: readonly TrackedJob[], report: MirrorReport): Promise<void> {
  if (tracked.length === 0) return;
  report.visited += tracked.length;
  const jobs = new Map((await deps.clientJobs.readJobs(tracked.map((t) => t.jobId))).map((job) => [job.jobId, job]));
  const completed: number[] = [];
  const applied: StatusMove[] = [];
  const ownSteps = await deps.ownSteps.settledOf(tracked.filter((t) => isForwardMove(t.lastStatus, jobs.get(t.jobId)?.status ?? null)));
  for (const tracking of tracked) {
    let entry = tracking;
    const observed = jobs.get(entry.jobId)?.status ?? null;
    if (observed === entry.lastStatus) {
      if (observed === 'JOB COMPLETED') completed.push(entry.jobId);
    } else if (isForwardMove(entry.lastStatus, observed)) {
      const own = ownSteps.get(entry.jobId);
      if (own) {
        // Our own step (OPENED, CLOSED) that a crash cut short after the client update: finish it as ours.
        await deps.ownSteps.finish(own);
        report.finished += 1;
        entry = { ...entry, lastStatus: EVENT_STEPS[own.kind].move!.to };
      }
      if (observed !== entry.lastStatus) {
        await deps.record.applied(entry, observed);
        applied.push({ job: jobs.get(entry.jobId)!, from: entry.lastStatus, status: observed });
        report.advanced += 1;
      }
      if (observed === 'JOB COMPLETED') completed.push(entry.jobId);
    } else if (entry.flaggedStatus !== (observed ?? MISSING_JOB)) {
      await deps.record.refused(entry, jobs.get(entry.jobId));
      report.flagged += 1;
    }
  }
  await deps.statusMoves.moved(applied);
  report.closing += await deps.closing.close(completed);
}

function isForwardMove(from: string, to: string | null): to is JobStatus {
  return to !== null && isJobStatus(to) && isJobStatus(from) && statusRank(to) > statusRank(from);
}
