import type { ClientJob } from '../jobs/job.js';
import { maskPhone, toE164 } from '../shared/phone.js';
import type { PhoneKeys } from '../shared/ports.js';
import { FINAL_SMS_STATES, type OutboundSms, type SmsLog, type SmsLogEntry, type SmsQueue, type SmsRegistration } from './ports.js';
import type { ClientJobs } from '../jobs/ports.js';
import { completeJobAfterSms, completeJobsAfterSms, type SmsCompletionDeps } from './smsCompletion.js';
import { requeuedMessageId, smsMessageKey, type SmsKind } from './smsMessage.js';
import { courtesyText, feedbackText } from './smsTexts.js';

/** What repairing half-done SMS needs: it re-queues from the client job, so it keys no number. */
export interface SmsRepairDeps extends SmsCompletionDeps {
  clientJobs: ClientJobs;
  smsLog: SmsLog;
  queue: SmsQueue;
}

export interface SmsOutboxDeps extends SmsRepairDeps {
  phoneKeys: PhoneKeys;
}

export interface SmsRepairTimings {
  /** A `queued` SMS older than this is handed to the queue again (same messageId). */
  requeueAfterMs: number;
  /** A `sending` SMS untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

/** The SMS log entry of a message about to be queued; the key is the SMS's, not a retry's messageId. */
export function queuedRegistration(sms: OutboundSms, phoneKeys: PhoneKeys): SmsRegistration {
  return {
    messageKey: sms.messageId,
    jobId: sms.body.jobId,
    kind: sms.body.kind,
    state: 'queued',
    toMasked: maskPhone(sms.body.to),
    toHash: phoneKeys.lookupKey(sms.body.to),
    detail: null,
  };
}

const TEXTS: Record<SmsKind, (job: ClientJob) => string> = { 'job-received': courtesyText, 'job-closed': feedbackText };

export function outboundSms(kind: SmsKind, job: ClientJob): OutboundSms | { reason: string } {
  const phone = toE164(job.mobile);
  if (!phone.ok) return { reason: phone.reason };
  return { messageId: smsMessageKey(kind, job.jobId), body: { kind, jobId: job.jobId, to: phone.e164, text: TEXTS[kind](job) } };
}

/**
 * Logs and queues one SMS of `kind` per job. The SMS log entry comes first, so a crash before the
 * queue is repaired by `repairSms`; a job without a usable number is logged as skipped and moved on.
 */
export async function queueSms(deps: SmsOutboxDeps, kind: SmsKind, jobs: readonly ClientJob[]): Promise<{ queued: number; skipped: number }> {
  const messages: OutboundSms[] = [];
  const skipped: Array<{ job: ClientJob; reason: string }> = [];
  for (const job of jobs) {
    const sms = outboundSms(kind, job);
    if ('reason' in sms) skipped.push({ job, reason: sms.reason });
    else messages.push(sms);
  }
  await deps.smsLog.register([
    ...messages.map((sms) => queuedRegistration(sms, deps.phoneKeys)),
    ...skipped.map(({ job, reason }) => ({
      messageKey: smsMessageKey(kind, job.jobId),
      jobId: job.jobId,
      kind,
      state: 'skipped' as const,
      toMasked: maskPhone(job.mobile),
      toHash: null,
      detail: reason,
    })),
  ]);
  await deps.queue.enqueue(messages);
  if (skipped.length > 0) await completeJobsAfterSms(deps, await deps.smsLog.getMany(skipped.map(({ job }) => smsMessageKey(kind, job.jobId))));
  return { queued: messages.length, skipped: skipped.length };
}

/**
 * Finishes SMS that a crash left half-way: settled but the job not moved on, stuck in `sending`,
 * or logged but maybe never queued. Returns how many it acted on.
 */
export async function repairSms(deps: SmsRepairDeps, timings: SmsRepairTimings, entries: readonly SmsLogEntry[]): Promise<number> {
  const now = deps.clock.now().getTime();
  const requeue: SmsLogEntry[] = [];
  let repaired = 0;
  for (const entry of entries) {
    const age = now - entry.updatedAt.getTime();
    if (entry.state === 'queued' && age >= timings.requeueAfterMs) {
      requeue.push(entry);
    } else if (entry.state === 'sending' && age >= timings.staleSendingMs) {
      if (await deps.smsLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted' })) {
        await completeJobAfterSms(deps, { ...entry, state: 'unknown' });
        repaired += 1;
      }
    } else if (FINAL_SMS_STATES.includes(entry.state)) {
      await completeJobAfterSms(deps, entry);
      repaired += 1;
    }
  }
  if (requeue.length === 0) return repaired;
  const jobs = new Map((await deps.clientJobs.readJobs(requeue.map((entry) => entry.jobId))).map((job) => [job.jobId, job]));
  const messages = requeue.flatMap((entry) => {
    const job = jobs.get(entry.jobId);
    const sms = job && outboundSms(entry.kind, job);
    // A fresh id: the queue's duplicate detection would drop the original one for hours.
    return sms && !('reason' in sms) ? [{ ...sms, messageId: requeuedMessageId(entry.messageKey, entry.updatedAt) }] : [];
  });
  await deps.queue.enqueue(messages);
  for (const { body } of messages) await deps.smsLog.record(smsMessageKey(body.kind, body.jobId), 'queued', { state: 'queued' });
  return repaired + messages.length;
}
