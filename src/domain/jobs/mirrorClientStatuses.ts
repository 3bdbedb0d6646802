import { requestClosure, type ClosureDeps } from './closure.js';
import { statusEventKey, withStatusAtLeast, type ClientJob } from './job.js';
import { isJobStatus, statusRank, type JobStatus } from './jobStatus.js';
import type { Payments } from '../payments/ports.js';
import type { TrackedJob } from './ports.js';
import { FINAL_SMS_STATES, type SmsLogEntry } from '../notifications/ports.js';
import { completeJobAfterSms, SMS_STEPS } from '../notifications/smsCompletion.js';
import { SMS_KINDS, smsMessageKey } from '../notifications/smsMessage.js';
import { repairSms, type SmsRepairTimings } from '../notifications/smsOutbox.js';

export interface MirrorDeps extends ClosureDeps {
  payments: Pick<Payments, 'paidJobs'>;
}

export interface MirrorReport {
  open: number;
  advanced: number;
  /** Our own moves (courtesy or feedback SMS settled) that a crash left half-written, now finished. */
  finished: number;
  flagged: number;
  closing: number;
}

const CHUNK = 1000;
const MISSING = '(job missing)';

/**
 * Brings client-made status changes of our open jobs into Cosmos and job_trans. It reads only the
 * open jobs, by primary key in chunks, so its cost follows the open jobs, not the size of `Jobs`.
 * Forward moves are applied; a backward or unknown status is logged and flagged once, never
 * applied. A job that is completed and paid starts closing.
 */
export async function mirrorClientStatuses(deps: MirrorDeps, timings: SmsRepairTimings): Promise<MirrorReport> {
  const report: MirrorReport = { open: 0, advanced: 0, finished: 0, flagged: 0, closing: 0 };
  for (let after = 0; ; ) {
    const tracked = await deps.tracking.openJobsAfter(after, CHUNK);
    if (tracked.length === 0) break;
    after = tracked.at(-1)!.jobId;
    report.open += tracked.length;

    const jobs = new Map((await deps.clientJobs.readJobs(tracked.map((t) => t.jobId))).map((job) => [job.jobId, job]));
    const completed: number[] = [];
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
          await completeJobAfterSms(deps, own);
          report.finished += 1;
          entry = { ...entry, lastStatus: SMS_STEPS[own.kind].to };
        }
        if (observed !== entry.lastStatus) {
          await applyClientStatus(deps, entry, observed);
          report.advanced += 1;
        }
        if (observed === 'JOB COMPLETED') completed.push(entry.jobId);
      } else if (entry.flaggedStatus !== (observed ?? MISSING)) {
        await flagClientStatus(deps, entry, jobs.get(entry.jobId));
        report.flagged += 1;
      }
    }
    report.closing += await closeCompletedAndPaid(deps, timings, completed);
    if (tracked.length < CHUNK) break;
  }
  return report;
}

/** The settled SMS whose step starts at each job's tracked status (NEW: courtesy, JOB COMPLETED: feedback). */
async function settledOwnSteps(deps: MirrorDeps, moved: readonly TrackedJob[]): Promise<Map<number, SmsLogEntry>> {
  const keys = moved.flatMap((t) => {
    const kind = SMS_KINDS.find((k) => SMS_STEPS[k].from === t.lastStatus);
    return kind ? [smsMessageKey(kind, t.jobId)] : [];
  });
  if (keys.length === 0) return new Map();
  const settled = (await deps.smsLog.getMany(keys)).filter((entry) => FINAL_SMS_STATES.includes(entry.state));
  return new Map(settled.map((entry) => [entry.jobId, entry]));
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
  await deps.tracking.advance(entry.jobId, entry.lastStatus, status);
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
  await deps.tracking.flag(entry.jobId, label);
}

async function closeCompletedAndPaid(deps: MirrorDeps, timings: SmsRepairTimings, completed: number[]): Promise<number> {
  if (completed.length === 0) return 0;
  const closingEntries = await deps.smsLog.getMany(completed.map((id) => smsMessageKey('job-closed', id)));
  await repairSms(deps, timings, closingEntries);
  const closing = new Set(closingEntries.map((entry) => entry.jobId));
  const paid = await deps.payments.paidJobs(completed.filter((id) => !closing.has(id)));
  for (const jobId of paid) await requestClosure(deps, jobId, 'job completed and paid');
  return paid.size;
}
