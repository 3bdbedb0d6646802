import type { Payments } from '../payments/ports.js';
import type { Clock } from '../shared/ports.js';
import type { Closure, ClosureResult, PaidJobsClosure } from './closure.js';
import { statusEventKey, withStatusAtLeast, type JobDocument } from './job.js';
import { isJobStatus, isNextStatus, type JobStatus } from './jobStatus.js';
import type { JobStatusMoves } from './statusEvents.js';
import type { ClientJobs, JobDocuments, JobTransaction, JobTransactions } from './ports.js';

/** A staff request to move a job forward. */
export interface StatusChange {
  status: JobStatus;
  note?: string | undefined;
}

/** Statuses that only our own steps may set, because each stands for an SMS having been settled. */
const SET_BY_SMS: Partial<Record<JobStatus, string>> = {
  OPENED: 'OPENED is set when the courtesy SMS is settled',
  CLOSED: 'CLOSED is set when the feedback SMS is settled; request it with POST /api/jobs/{jobId}/close',
};

export interface JobReadDeps {
  documents: JobDocuments;
  transactions: JobTransactions;
  clock: Clock;
}

export interface StatusChangeDeps {
  clientJobs: Pick<ClientJobs, 'readJobs' | 'moveStatus'>;
  documents: Pick<JobDocuments, 'get' | 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  /** Tells the customer and advances tracking, as for a move the client system made. */
  statusMoves: JobStatusMoves;
  /** A completed job that is already paid starts closing. */
  paidClosure: PaidJobsClosure;
  clock: Clock;
}

export interface CloseJobDeps {
  documents: Pick<JobDocuments, 'get'>;
  payments: Pick<Payments, 'paidJobs'>;
  closure: Closure;
}

export async function getJobWithHistory(
  deps: JobReadDeps,
  jobId: number,
  requestId: string,
): Promise<{ job: JobDocument; history: JobTransaction[] } | undefined> {
  const job = await deps.documents.get(jobId);
  if (!job) return undefined;
  await deps.transactions.append([
    { jobId, status: job.job_status, note: 'Job read through the API', event: 'GET', eventKey: `get-${requestId}`, at: deps.clock.now() },
  ]);
  return { job, history: await deps.transactions.history(jobId) };
}

export type StatusChangeResult =
  | { outcome: 'moved' | 'unchanged'; job: JobDocument }
  | { outcome: 'refused'; detail: string }
  | { outcome: 'unknown-job' };

/**
 * Moves a job one step forward on behalf of staff, by a conditional update of the client table,
 * then mirrors it and tells the customer, as a move the client system made would
 * (announceStatusMoves); a completed job that is already paid starts closing. One job_trans row per PUT.
 */
export async function changeJobStatus(deps: StatusChangeDeps, jobId: number, change: StatusChange, requestId: string): Promise<StatusChangeResult> {
  const [[client], doc] = await Promise.all([deps.clientJobs.readJobs([jobId]), deps.documents.get(jobId)]);
  if (!client || !doc) return { outcome: 'unknown-job' };
  const current = client.status ?? '(empty)';
  const now = deps.clock.now();
  const note = change.note ? `: ${change.note}` : '';

  if (current === change.status) {
    await deps.transactions.append([
      { jobId, status: current, note: `Status set to ${current} again through the API (no change)${note}`, event: 'PUT', eventKey: `put-${requestId}`, at: now },
    ]);
    return { outcome: 'unchanged', job: doc };
  }
  const reserved = SET_BY_SMS[change.status];
  if (reserved) return { outcome: 'refused', detail: reserved };
  if (!isJobStatus(current) || !isNextStatus(current, change.status)) {
    return { outcome: 'refused', detail: `job ${jobId} is ${current}; it can only move forward one step at a time, not to ${change.status}` };
  }
  if (!(await deps.clientJobs.moveStatus(jobId, current, change.status))) {
    return { outcome: 'refused', detail: `job ${jobId} changed in the client system while this request was handled; read it again` };
  }
  const job = (await deps.documents.update(jobId, (d) => withStatusAtLeast(d, change.status, now))) ?? doc;
  await deps.transactions.append([
    { jobId, status: change.status, note: `Status moved from ${current} to ${change.status} through the API${note}`, event: 'PUT', eventKey: statusEventKey(jobId, change.status), at: now },
  ]);
  await deps.statusMoves.moved([{ job: client, from: current, status: change.status }]);
  if (change.status === 'JOB COMPLETED') await deps.paidClosure.closePaid([jobId], 'job completed and already paid');
  return { outcome: 'moved', job };
}

/** An explicit closure request: a completed job closes, paid or not (a warranty repair has no payment). */
export async function closeJob(deps: CloseJobDeps, jobId: number): Promise<ClosureResult> {
  if (!(await deps.documents.get(jobId))) return { outcome: 'unknown-job' };
  const paid = (await deps.payments.paidJobs([jobId])).has(jobId);
  return deps.closure.request(jobId, paid ? 'closure requested through the API' : 'closure requested through the API without a recorded payment');
}
