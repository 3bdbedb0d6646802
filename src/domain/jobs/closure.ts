import { FINAL_SMS_STATES } from '../notifications/ports.js';
import type { JobTransactions } from './ports.js';
import { completeJobAfterSms } from '../notifications/smsCompletion.js';
import { smsMessageKey } from '../notifications/smsMessage.js';
import { queueSms, type SmsOutboxDeps } from '../notifications/smsOutbox.js';

export interface ClosureDeps extends SmsOutboxDeps {
  transactions: JobTransactions;
}

export type ClosureResult =
  | { outcome: 'started' }
  | { outcome: 'in-progress' }
  | { outcome: 'already-closed' }
  | { outcome: 'not-completed'; status: string | null }
  | { outcome: 'unknown-job' };

/**
 * Starts closing a completed job: the feedback SMS is queued, and its settlement moves the job to
 * CLOSED (smsCompletion). The SMS's deterministic key means any number of triggers (payment,
 * status mirroring, an explicit request) send one feedback SMS.
 */
export async function requestClosure(deps: ClosureDeps, jobId: number, reason: string): Promise<ClosureResult> {
  const [job] = await deps.clientJobs.readJobs([jobId]);
  if (!job) return { outcome: 'unknown-job' };
  if (job.status === 'CLOSED') return { outcome: 'already-closed' };
  if (job.status !== 'JOB COMPLETED') return { outcome: 'not-completed', status: job.status };

  const existing = await deps.smsLog.get(smsMessageKey('job-closed', jobId));
  if (existing) {
    if (FINAL_SMS_STATES.includes(existing.state)) await completeJobAfterSms(deps, existing);
    return { outcome: 'in-progress' };
  }
  await deps.transactions.append([
    { jobId, status: 'JOB COMPLETED', note: `Closure requested: ${reason}`, event: 'CLOSURE', eventKey: `job-${jobId}-closure-requested`, at: deps.clock.now() },
  ]);
  await queueSms(deps, 'job-closed', [job]);
  return { outcome: 'started' };
}
