import { statusEventKey, withStatusAtLeast } from '../jobs/job.js';
import { isJobStatus, statusRank, type JobStatus } from '../jobs/jobStatus.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransactions } from '../jobs/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { SmsLogEntry } from './ports.js';
import type { SmsKind } from './smsMessage.js';

interface SmsStep {
  /** Where the job stands while its SMS is on the way, and where the SMS moves it. */
  from: JobStatus;
  to: JobStatus;
  slot: 'courtesy' | 'feedback';
  label: string;
}

export const SMS_STEPS: Record<SmsKind, SmsStep> = {
  'job-received': { from: 'NEW', to: 'OPENED', slot: 'courtesy', label: 'Courtesy SMS' },
  'job-closed': { from: 'JOB COMPLETED', to: 'CLOSED', slot: 'feedback', label: 'Feedback SMS' },
};

export interface SmsCompletionDeps {
  clientJobs: ClientJobs;
  documents: JobDocuments;
  transactions: JobTransactions;
  tracking: JobTracking;
  clock: Clock;
  logger: Logger;
}

export function describeSmsOutcome(entry: SmsLogEntry): string {
  const { label } = SMS_STEPS[entry.kind];
  switch (entry.state) {
    case 'sent':
      return `${label} sent to ${entry.toMasked} (Vonage message ${entry.providerMessageId ?? 'id unknown'}${entry.price ? `, price ${entry.price}` : ''})`;
    case 'skipped':
      return `No ${label}: ${entry.detail ?? 'no usable mobile number'}`;
    case 'rejected':
      return `${label} rejected by Vonage (status ${entry.errorCode ?? '?'}: ${entry.detail ?? 'no detail'}); not retried`;
    case 'failed':
      return `${label} failed after ${entry.attempts} attempts (last: ${entry.detail ?? 'no detail'})`;
    case 'unknown':
      return `${label} outcome unknown: a send was interrupted; not resent, so the customer never gets two`;
    default:
      return `${label} ${entry.state}`;
  }
}

/**
 * Once an SMS has a final outcome, the job moves on (OPENED after the courtesy SMS, CLOSED after
 * the feedback SMS) in the client table, Cosmos, job_trans and our tracking of open jobs. Every step is idempotent, so a
 * redelivery or the next poll can run this again after a crash at any point.
 */
export async function completeJobAfterSms(deps: SmsCompletionDeps, entry: SmsLogEntry): Promise<void> {
  const step = SMS_STEPS[entry.kind];
  const now = deps.clock.now();
  const note = describeSmsOutcome(entry);
  // The SMS row comes before the client update: a crash right after the client moved can no
  // longer leave a job without its SMS history (status mirroring finishes the rest as our move).
  await deps.transactions.append([{ jobId: entry.jobId, status: step.from, note, event: 'SMS', eventKey: `${entry.messageKey}-${entry.state}`, at: now }]);
  const reachedTarget = await moveClientJob(deps, entry.jobId, step);

  await deps.documents.update(entry.jobId, (doc) => {
    const moved = reachedTarget ? withStatusAtLeast(doc, step.to, now) : doc;
    return {
      ...moved,
      sms: {
        ...moved.sms,
        [step.slot]: {
          // A delivery receipt may have arrived first; keep what it recorded about the same SMS.
          ...(moved.sms[step.slot]?.messageKey === entry.messageKey ? moved.sms[step.slot] : {}),
          messageKey: entry.messageKey,
          state: entry.state,
          at: now.toISOString(),
          note,
          ...(entry.providerMessageId ? { providerMessageId: entry.providerMessageId } : {}),
        },
      },
      updated_at: now.toISOString(),
    };
  });
  if (!reachedTarget) return;
  await deps.transactions.append([
    { jobId: entry.jobId, status: step.to, note: `Job ${step.to.toLowerCase()}: ${note}`, event: 'STATUS', eventKey: statusEventKey(entry.jobId, step.to), at: now },
  ]);
  await deps.tracking.advance(entry.jobId, step.from, step.to);
}

async function moveClientJob(deps: SmsCompletionDeps, jobId: number, step: SmsStep): Promise<boolean> {
  if (await deps.clientJobs.moveStatus(jobId, step.from, step.to)) return true;
  const [current] = await deps.clientJobs.readJobs([jobId]);
  const status = current?.status ?? null;
  if (status !== null && isJobStatus(status) && statusRank(status) >= statusRank(step.to)) return true;
  deps.logger.warn('client job not moved after SMS: its status changed under us', {
    jobId,
    expected: step.from,
    found: status ?? 'job missing',
  });
  return false;
}
