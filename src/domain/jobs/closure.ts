import { FINAL_NOTIFICATION_STATES } from '../notifications/ports.js';
import type { JobTransactions } from './ports.js';
import { completeJobAfterNotification } from '../notifications/completion.js';
import { queueJobNotifications, type NotificationOutboxDeps } from '../notifications/outbox.js';

export interface ClosureDeps extends NotificationOutboxDeps {
  transactions: JobTransactions;
}

export type ClosureResult =
  | { outcome: 'started' }
  | { outcome: 'in-progress' }
  | { outcome: 'already-closed' }
  | { outcome: 'not-completed'; status: string | null }
  | { outcome: 'unknown-job' };

/**
 * Starts closing a completed job: the feedback request is queued through the customer's channels,
 * and the first of them to settle moves the job to CLOSED (completion.ts). Deterministic keys mean
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
    if (settled) await completeJobAfterNotification(deps, settled);
    return { outcome: 'in-progress' };
  }
  await deps.transactions.append([
    { jobId, status: 'JOB COMPLETED', note: `Closure requested: ${reason}`, event: 'CLOSURE', eventKey: `job-${jobId}-closure-requested`, at: deps.clock.now() },
  ]);
  await queueJobNotifications(deps, 'job-closed', [job]);
  return { outcome: 'started' };
}
