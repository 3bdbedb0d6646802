import { statusEventKey, withStatusAtLeast, type JobDocument } from '../jobs/job.js';
import { isJobStatus, statusRank, type JobStatus } from '../jobs/jobStatus.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransactions } from '../jobs/ports.js';
import { coalesce } from '../shared/coalesce.js';
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
  await completeJobsAfterSms(deps, [entry]);
}

/** Completes the job of one settled SMS; see batchedSmsCompleter. */
export type SmsCompleter = (entry: SmsLogEntry) => Promise<void>;

/** Settled SMS completed together at most: one batch's writes stay within a few round trips of 100 rows. */
const MAX_COMPLETION_BATCH = 100;

/**
 * The send path's completion: SMS that settle while another completion runs (the queue trigger
 * runs many deliveries at once) are completed together by `completeJobsAfterSms`, so a busy
 * instance pays its round trips once per batch rather than once per SMS. Each caller's promise
 * settles when its own job is complete, so a delivery is finished only once its job has moved on.
 */
export function batchedSmsCompleter(deps: SmsCompletionDeps): SmsCompleter {
  return coalesce(async (entries: readonly SmsLogEntry[]) => {
    await completeJobsAfterSms(deps, entries);
    return entries.map(() => undefined);
  }, MAX_COMPLETION_BATCH);
}

/**
 * `completeJobAfterSms` for many SMS at once, each step one call for them all: one job_trans
 * append of the SMS rows, one conditional client update per kind, bulk Cosmos updates, one append
 * of the STATUS rows and one tracking update per kind.
 */
export async function completeJobsAfterSms(deps: SmsCompletionDeps, settled: readonly SmsLogEntry[]): Promise<void> {
  const entries = [...new Map(settled.map((entry) => [entry.messageKey, entry])).values()];
  if (entries.length === 0) return;
  const now = deps.clock.now();
  const notes = new Map(entries.map((entry) => [entry.messageKey, describeSmsOutcome(entry)]));
  const noteOf = (entry: SmsLogEntry) => notes.get(entry.messageKey)!;
  // The SMS rows come before the client update: a crash right after the client moved can no
  // longer leave a job without its SMS history (status mirroring finishes the rest as our move).
  await deps.transactions.append(
    entries.map((entry) => ({ jobId: entry.jobId, status: SMS_STEPS[entry.kind].from, note: noteOf(entry), event: 'SMS' as const, eventKey: `${entry.messageKey}-${entry.state}`, at: now })),
  );
  const reached = await moveClientJobs(deps, entries);

  const changes = new Map<number, (doc: JobDocument) => JobDocument>();
  for (const entry of entries) {
    const earlier = changes.get(entry.jobId) ?? ((doc: JobDocument) => doc);
    const change = (doc: JobDocument) => withSmsOutcome(doc, entry, noteOf(entry), reached.has(entry), now);
    changes.set(entry.jobId, (doc) => change(earlier(doc)));
  }
  const moved = entries.filter((entry) => reached.has(entry));
  const statusRows = moved.map((entry) => {
    const { to } = SMS_STEPS[entry.kind];
    return { jobId: entry.jobId, status: to, note: `Job ${to.toLowerCase()}: ${noteOf(entry)}`, event: 'STATUS' as const, eventKey: statusEventKey(entry.jobId, to), at: now };
  });
  // The documents and the STATUS rows need only the client move before them and the tracking
  // update after them (once tracking has moved, status mirroring no longer finishes the job), so
  // they are written side by side; both are settled before anything is reported.
  const written = await Promise.allSettled([deps.documents.updateMany(changes), statusRows.length > 0 ? deps.transactions.append(statusRows) : undefined]);
  const failure = written.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  for (const [step, group] of byStep(moved)) await deps.tracking.advanceMany(group.map((entry) => entry.jobId), step.from, step.to);
}

function withSmsOutcome(doc: JobDocument, entry: SmsLogEntry, note: string, reachedTarget: boolean, now: Date): JobDocument {
  const step = SMS_STEPS[entry.kind];
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
}

function byStep(entries: readonly SmsLogEntry[]): Map<SmsStep, SmsLogEntry[]> {
  const groups = new Map<SmsStep, SmsLogEntry[]>();
  for (const entry of entries) {
    const step = SMS_STEPS[entry.kind];
    groups.set(step, [...(groups.get(step) ?? []), entry]);
  }
  return groups;
}

/** The entries whose job reached its step's target in the client table, by us now or before. */
async function moveClientJobs(deps: SmsCompletionDeps, entries: readonly SmsLogEntry[]): Promise<Set<SmsLogEntry>> {
  const reached = new Set<SmsLogEntry>();
  for (const [step, group] of byStep(entries)) {
    const atTarget = await deps.clientJobs.moveStatuses(group.map((entry) => entry.jobId), step.from, step.to);
    const rest = group.filter((entry) => !atTarget.has(entry.jobId));
    const current = new Map<number, string | null>(
      rest.length === 0 ? [] : (await deps.clientJobs.readJobs(rest.map((entry) => entry.jobId))).map((job) => [job.jobId, job.status]),
    );
    for (const entry of group) {
      const status = atTarget.has(entry.jobId) ? step.to : (current.get(entry.jobId) ?? null);
      if (status !== null && isJobStatus(status) && statusRank(status) >= statusRank(step.to)) {
        reached.add(entry);
      } else {
        deps.logger.warn('client job not moved after SMS: its status changed under us', { jobId: entry.jobId, expected: step.from, found: status ?? 'job missing' });
      }
    }
  }
  return reached;
}
