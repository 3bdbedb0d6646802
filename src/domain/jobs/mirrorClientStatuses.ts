import { requestClosure, type ClosureDeps } from './closure.js';
import { statusEventKey, withStatusAtLeast, type ClientJob } from './job.js';
import { isJobStatus, statusRank, type JobStatus } from './jobStatus.js';
import type { Payments } from '../payments/ports.js';
import type { TrackedJob } from './ports.js';
import { FINAL_NOTIFICATION_STATES, type JobNotificationEntry } from '../notifications/ports.js';
import { completeJobAfterNotification, EVENT_STEPS } from '../notifications/completion.js';
import { repairNotifications, type NotificationRepairTimings } from '../notifications/outbox.js';
import type { JobBoundEvent } from '../notifications/texts.js';
import { announceStatusMoves } from './statusEvents.js';

export interface MirrorDeps extends ClosureDeps {
  payments: Pick<Payments, 'paidJobs'>;
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
const MISSING = '(job missing)';

/**
 * Brings client-made status changes of our open jobs into Cosmos and job_trans. Each poll visits a
 * bounded slice of the open jobs, in id order from a cursor, wrapping round to the first open job
 * when it reaches the last, so a poll costs the same for a thousand open jobs or a million and
 * every open job is visited within ceil(open / rows) polls. It reads the open jobs, then the
 * client rows by primary key, in chunks, so its cost never follows the size of `Jobs`.
 * Forward moves are applied; a backward or unknown status is logged and flagged once, never
 * applied. A job that is completed and paid starts closing.
 */
export async function mirrorClientStatuses(deps: MirrorDeps, timings: NotificationRepairTimings, slice: MirrorSlice): Promise<MirrorReport> {
  const report: MirrorReport = { visited: 0, advanced: 0, finished: 0, flagged: 0, closing: 0, nextJobId: 0 };
  let after = slice.afterJobId;
  // Once wrapped round, the jobs past the starting cursor were visited already in this poll.
  let wrapped = after === 0;
  let remaining = slice.rows;
  while (remaining > 0) {
    const limit = Math.min(CHUNK, remaining);
    const read = await deps.tracking.openJobsAfter(after, limit);
    const chunk = wrapped && slice.afterJobId > 0 ? read.filter((t) => t.jobId <= slice.afterJobId) : read;
    await mirrorChunk(deps, timings, chunk, report);
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

async function mirrorChunk(deps: MirrorDeps, timings: NotificationRepairTimings, tracked: readonly TrackedJob[], report: MirrorReport): Promise<void> {
  if (tracked.length === 0) return;
  report.visited += tracked.length;
  const jobs = new Map((await deps.clientJobs.readJobs(tracked.map((t) => t.jobId))).map((job) => [job.jobId, job]));
  const completed: number[] = [];
  const applied: Array<{ entry: TrackedJob; status: JobStatus }> = [];
  const ownSteps = await settledOwnSteps(deps, tracked.filter((t) => isForwardMove(t.lastStatus, jobs.get(t.jobId)?.status ?? null)));
  for (const tracking of tracked) {
    let entry = tracking;
    const observed = jobs.get(entry.jobId)?.status ?? null;
    if (observed === entry.lastStatus) {
      if (observed === 'JOB COMPLETED') completed.push(entry.jobId);
    } else if (isForwardMove(entry.lastStatus, observed)) {
      const own = ownSteps.get(entry.jobId);
      if (own) {
        // Our own step (OPENED, CLOSED) that a crash cut short after the client update: finish it as ours.
        await completeJobAfterNotification(deps, own);
        report.finished += 1;
        entry = { ...entry, lastStatus: EVENT_STEPS[own.kind].move!.to };
      }
      if (observed !== entry.lastStatus) {
        await applyClientStatus(deps, entry, observed);
        applied.push({ entry, status: observed });
        report.advanced += 1;
      }
      if (observed === 'JOB COMPLETED') completed.push(entry.jobId);
    } else if (entry.flaggedStatus !== (observed ?? MISSING)) {
      await flagClientStatus(deps, entry, jobs.get(entry.jobId));
      report.flagged += 1;
    }
  }
  await announceStatusMoves(deps, applied.map(({ entry, status }) => ({ job: jobs.get(entry.jobId)!, status })));
  for (const { entry, status } of applied) await deps.tracking.advance(entry.jobId, entry.lastStatus, status, deps.clock.now());
  report.closing += await closeCompletedAndPaid(deps, timings, completed);
}

/** The settled notification whose step starts at each job's tracked status (NEW: courtesy, JOB COMPLETED: feedback). */
async function settledOwnSteps(deps: MirrorDeps, moved: readonly TrackedJob[]): Promise<Map<number, JobNotificationEntry>> {
  const settled = new Map<number, JobNotificationEntry>();
  for (const [event, step] of Object.entries(EVENT_STEPS) as Array<[JobBoundEvent, (typeof EVENT_STEPS)[JobBoundEvent]]>) {
    const from = step.move?.from;
    const jobIds = moved.filter((t) => t.lastStatus === from).map((t) => t.jobId);
    if (jobIds.length === 0) continue;
    for (const entry of await deps.notificationLog.forJobs(jobIds, event)) {
      if (FINAL_NOTIFICATION_STATES.includes(entry.state)) settled.set(entry.jobId, entry);
    }
  }
  return settled;
}

function isForwardMove(from: string, to: string | null): to is JobStatus {
  return to !== null && isJobStatus(to) && isJobStatus(from) && statusRank(to) > statusRank(from);
}

async function applyClientStatus(deps: MirrorDeps, entry: TrackedJob, status: JobStatus): Promise<void> {
  const now = deps.clock.now();
  await deps.documents.update(entry.jobId, (doc) => withStatusAtLeast(doc, status, now));
  await deps.transactions.append([
    { jobId: entry.jobId, status, note: `Client system moved the job from ${entry.lastStatus} to ${status}`, event: 'STATUS', eventKey: statusEventKey(entry.jobId, status), at: now },
  ]);
}

async function flagClientStatus(deps: MirrorDeps, entry: TrackedJob, job: ClientJob | undefined): Promise<void> {
  const now = deps.clock.now();
  const observed = job ? job.status : null;
  const label = job ? (observed ?? '(empty)') : MISSING;
  const note = job
    ? `Client system set status "${label}" after ${entry.lastStatus}; not mirrored, statuses only move forward`
    : `Job no longer in the client system (last seen ${entry.lastStatus}); not mirrored`;
  deps.logger.warn('client status not mirrored', { jobId: entry.jobId, from: entry.lastStatus, observed: label });
  await deps.documents.update(entry.jobId, (doc) => ({
    ...doc,
    flags: [...(doc.flags ?? []), { status: observed, from: entry.lastStatus, at: now.toISOString() }],
    updated_at: now.toISOString(),
  }));
  await deps.transactions.append([
    { jobId: entry.jobId, status: entry.lastStatus, note, event: 'FLAG', eventKey: `job-${entry.jobId}-flag-${entry.lastStatus}-${label}`.slice(0, 191), at: now },
  ]);
  await deps.tracking.flag(entry.jobId, label, now);
}

async function closeCompletedAndPaid(deps: MirrorDeps, timings: NotificationRepairTimings, completed: number[]): Promise<number> {
  if (completed.length === 0) return 0;
  const closingEntries = await deps.notificationLog.forJobs(completed, 'job-closed');
  await repairNotifications(deps, timings, closingEntries);
  const closing = new Set(closingEntries.map((entry) => entry.jobId));
  const paid = await deps.payments.paidJobs(completed.filter((id) => !closing.has(id)));
  for (const jobId of paid) await requestClosure(deps, jobId, 'job completed and paid');
  return paid.size;
}
