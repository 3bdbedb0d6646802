import type { JobEventAnnouncer } from '../notifications/jobEvents.js';
import { FINAL_NOTIFICATION_STATES, type NotificationQueries, type SettlementListener } from '../notifications/ports.js';
import type { Payments } from '../payments/ports.js';
import type { Clock } from '../shared/ports.js';
import type { ClientJobs, JobTransactions } from './ports.js';

export interface ClosureDeps {
  clientJobs: Pick<ClientJobs, 'readJobs'>;
  /** A job's feedback requests: the marker that its closure started. */
  notificationLog: Pick<NotificationQueries, 'forJobs'>;
  transactions: Pick<JobTransactions, 'append'>;
  /** Told again of a feedback request that settled while a crash kept its listeners from hearing it (the job then closes). */
  onSettled: SettlementListener;
  announcer: JobEventAnnouncer;
  clock: Clock;
}

export type ClosureResult =
  | { outcome: 'started' }
  | { outcome: 'in-progress' }
  | { outcome: 'already-closed' }
  | { outcome: 'not-completed'; status: string | null }
  | { outcome: 'unknown-job' };

/** Closing jobs, as payments and the job API ask for it: built once over `requestClosure`. */
export interface Closure {
  request(jobId: number, reason: string): Promise<ClosureResult>;
}

export function closureOf(deps: ClosureDeps): Closure {
  return { request: (jobId, reason) => requestClosure(deps, jobId, reason) };
}

/**
 * Starts closing a completed job: the feedback request is queued through the customer's channels,
 * and the first of them to settle moves the job to CLOSED (JobProgress). Deterministic keys mean
 * any number of triggers (payment, status mirroring, an explicit request) send one per channel.
 */
export async function requestClosure(deps: ClosureDeps, jobId: number, reason: string): Promise<ClosureResult> {
  const [job] = await deps.clientJobs.readJobs([jobId]);
  if (!job) return { outcome: 'unknown-job' };
  if (job.status === 'CLOSED') return { outcome: 'already-closed' };
  if (job.status !== 'JOB COMPLETED') return { outcome: 'not-completed', status: job.status };

  const existing = await deps.notificationLog.forJobs([jobId], 'job-closed');
  if (existing.length > 0) {
    const settled = existing.find((entry) => FINAL_NOTIFICATION_STATES.includes(entry.state));
    if (settled) await deps.onSettled.settled([settled]);
    return { outcome: 'in-progress' };
  }
  await deps.transactions.append([
    { jobId, status: 'JOB COMPLETED', note: `Closure requested: ${reason}`, event: 'CLOSURE', eventKey: `job-${jobId}-closure-requested`, at: deps.clock.now() },
  ]);
  await deps.announcer.announce('job-closed', [job]);
  return { outcome: 'started' };
}

/** Closure of the jobs among these that are paid: completion and payment may come in either order. */
export class PaidJobsClosure {
  constructor(private readonly ports: { payments: Pick<Payments, 'paidJobs'>; closure: Closure }) {}

  /** How many of `jobIds` are paid and were asked to close. */
  async closePaid(jobIds: readonly number[], reason: string): Promise<number> {
    const paid = await this.ports.payments.paidJobs(jobIds);
    for (const jobId of paid) await this.ports.closure.request(jobId, reason);
    return paid.size;
  }
}
