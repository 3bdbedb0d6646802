import { statusEventKey, withStatusAtLeast, type JobDocument, type NotificationSummary } from '../jobs/job.js';
import { isJobStatus, statusRank, type JobStatus } from '../jobs/jobStatus.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransactions } from '../jobs/ports.js';
import type { Channel } from '../channels/ports.js';
import { coalesce } from '../shared/coalesce.js';
import type { Clock, Logger } from '../shared/ports.js';
import { recordOwnMessages } from '../stats/messageStats.js';
import type { MessageStats } from '../stats/ports.js';
import { isJobNotification, type JobNotificationEntry, type NotificationEntry } from './ports.js';
import { isJobBound, type JobBoundEvent, type JoblessEvent } from './texts.js';

interface EventStep {
  label: string;
  /** The job's status while the event's notifications go out (their job_trans rows carry it). */
  status: JobStatus;
  /** The job's move once the event's notification is settled (seed 000: OPENED after the courtesy message, CLOSED after the feedback request). */
  move?: { from: JobStatus; to: JobStatus; slot: 'courtesy' | 'feedback' };
}

export const EVENT_STEPS: Record<JobBoundEvent, EventStep> = {
  'job-received': { label: 'Courtesy', status: 'NEW', move: { from: 'NEW', to: 'OPENED', slot: 'courtesy' } },
  'job-in-progress': { label: 'In-progress', status: 'IN PROGRESS' },
  'job-completed': { label: 'Completion', status: 'JOB COMPLETED' },
  'job-closed': { label: 'Feedback', status: 'JOB COMPLETED', move: { from: 'JOB COMPLETED', to: 'CLOSED', slot: 'feedback' } },
  // The reward follows a reply to the feedback request, which went out as the job closed.
  'reward-code': { label: 'Reward', status: 'CLOSED' },
};

const JOBLESS_LABELS: Record<JoblessEvent, string> = { broadcast: 'Broadcast', 'auto-reply': 'Auto-reply', 'staff-reply': 'Staff reply' };

const CHANNEL_LABELS: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp message', email: 'email' };

export interface CompletionDeps {
  clientJobs: ClientJobs;
  documents: JobDocuments;
  transactions: JobTransactions;
  tracking: JobTracking;
  /** Counts and costs every message we sent (message statistics, seed 002). */
  stats: MessageStats;
  clock: Clock;
  logger: Logger;
}

/** "Courtesy SMS", "Feedback email", "Courtesy message" (no channel: the customer takes none). */
export function notificationLabel(entry: Pick<NotificationEntry, 'kind' | 'channel'>): string {
  const label = isJobBound(entry.kind) ? EVENT_STEPS[entry.kind].label : JOBLESS_LABELS[entry.kind];
  return `${label} ${entry.channel ? CHANNEL_LABELS[entry.channel] : 'message'}`;
}

export function describeNotificationOutcome(entry: NotificationEntry): string {
  const label = notificationLabel(entry);
  const via = entry.gateway ? ` via ${entry.gateway}` : '';
  switch (entry.state) {
    case 'sent':
      return `${label} sent to ${entry.toMasked}${via} (provider message ${entry.providerMessageId ?? 'id unknown'}${entry.price ? `, price ${entry.price}` : ''})`;
    case 'skipped':
      return entry.reason === 'not-subscribed' ? `No ${label.toLowerCase()}: the customer is subscribed to no channel` : `No ${label}: ${entry.detail ?? 'no usable address'}`;
    case 'rejected':
      return `${label} rejected${via} (${entry.errorCode ?? '?'}: ${entry.detail ?? 'no detail'}); not retried`;
    case 'failed':
      return `${label} failed after ${entry.attempts} attempts (last: ${entry.detail ?? 'no detail'})`;
    case 'unknown':
      return `${label} outcome unknown: a send was interrupted; not resent, so the customer never gets two`;
    default:
      return `${label} ${entry.state}`;
  }
}

/** Where the job document keeps a notification's summary: seed 000's `sms` slots for the courtesy and feedback SMS, `notifications` for the rest. */
export function summaryOf(doc: JobDocument, entry: JobNotificationEntry): NotificationSummary | undefined {
  const slot = smsSlot(entry);
  if (slot) return doc.sms[slot]?.messageKey === entry.messageKey ? doc.sms[slot] : undefined;
  return doc.notifications?.[entry.messageKey];
}

/** True when the document's SMS slot for this notification holds another one (an SMS of an earlier run of the job). */
export function slotHeldByOther(doc: JobDocument, entry: JobNotificationEntry): boolean {
  const slot = smsSlot(entry);
  const held = slot && doc.sms[slot];
  return Boolean(held && held.messageKey !== entry.messageKey);
}

export function withSummary(doc: JobDocument, entry: JobNotificationEntry, summary: NotificationSummary): JobDocument {
  const slot = smsSlot(entry);
  if (slot) return { ...doc, sms: { ...doc.sms, [slot]: summary } };
  return { ...doc, notifications: { ...doc.notifications, [entry.messageKey]: summary } };
}

function smsSlot(entry: Pick<JobNotificationEntry, 'kind' | 'channel'>): 'courtesy' | 'feedback' | undefined {
  return entry.channel === 'sms' ? EVENT_STEPS[entry.kind].move?.slot : undefined;
}

/**
 * Once a notification has a final outcome, the job moves on (OPENED after the courtesy message,
 * CLOSED after the feedback request) in the client table, Cosmos, job_trans and our tracking of
 * open jobs. Every step is idempotent, so a redelivery or the next poll can run this again after
 * a crash at any point.
 */
export async function completeJobAfterNotification(deps: CompletionDeps, entry: NotificationEntry): Promise<void> {
  await completeJobsAfterNotifications(deps, [entry]);
}

/** Completes the job of one settled notification; see batchedCompleter. */
export type NotificationCompleter = (entry: NotificationEntry) => Promise<void>;

/** Settled notifications completed together at most: one batch's writes stay within a few round trips of 100 rows. */
const MAX_COMPLETION_BATCH = 100;

/**
 * The send path's completion: notifications that settle while another completion runs (the queue
 * trigger runs many deliveries at once) are completed together by `completeJobsAfterNotifications`,
 * so a busy instance pays its round trips once per batch rather than once per message. Each
 * caller's promise settles when its own job is complete, so a delivery is finished only once its
 * job has moved on.
 */
export function batchedCompleter(deps: CompletionDeps): NotificationCompleter {
  return coalesce(async (entries: readonly NotificationEntry[]) => {
    await completeJobsAfterNotifications(deps, entries);
    return entries.map(() => undefined);
  }, MAX_COMPLETION_BATCH);
}

/**
 * `completeJobAfterNotification` for many at once, each step one call for them all: one job_trans
 * append of the notification rows, one conditional client update per event, bulk Cosmos updates,
 * one append of the STATUS rows, one tracking update per event and one statistics batch. The job
 * moves on with the first of its event's notifications to settle; the others add their own rows.
 * A message of no job (a broadcast, an auto-reply) is only counted in the statistics.
 */
export async function completeJobsAfterNotifications(deps: CompletionDeps, settled: readonly NotificationEntry[]): Promise<void> {
  const unique = [...new Map(settled.map((entry) => [entry.messageKey, entry])).values()];
  if (unique.length === 0) return;
  const entries = unique.filter(isJobNotification);
  if (entries.length === 0) {
    await recordOwnMessages(deps, unique.flatMap(ownMessage));
    return;
  }
  const now = deps.clock.now();
  const notes = new Map(entries.map((entry) => [entry.messageKey, describeNotificationOutcome(entry)]));
  const noteOf = (entry: NotificationEntry) => notes.get(entry.messageKey)!;
  // The notification rows come before the client update: a crash right after the client moved can
  // no longer leave a job without its notification history (status mirroring finishes the rest as our move).
  await deps.transactions.append(
    entries.map((entry) => ({
      jobId: entry.jobId,
      status: EVENT_STEPS[entry.kind].status,
      note: noteOf(entry),
      event: 'SMS' as const,
      eventKey: `${entry.messageKey}-${entry.state}`,
      at: now,
    })),
  );
  const reached = await moveClientJobs(deps, entries);

  const changes = new Map<number, (doc: JobDocument) => JobDocument>();
  for (const entry of entries) {
    const earlier = changes.get(entry.jobId) ?? ((doc: JobDocument) => doc);
    const change = (doc: JobDocument) => withNotificationOutcome(doc, entry, noteOf(entry), reached.has(entry), now);
    changes.set(entry.jobId, (doc) => change(earlier(doc)));
  }
  const moved = entries.filter((entry) => reached.has(entry));
  const statusRows = [...new Map(moved.map((entry) => [entry.jobId, entry])).values()].map((entry) => {
    const { to } = EVENT_STEPS[entry.kind].move!;
    return { jobId: entry.jobId, status: to, note: `Job ${to.toLowerCase()}: ${noteOf(entry)}`, event: 'STATUS' as const, eventKey: statusEventKey(entry.jobId, to), at: now };
  });
  // The documents, the STATUS rows and the statistics need only the client move before them and
  // the tracking update after them (once tracking has moved, status mirroring no longer finishes
  // the job), so they are written side by side; all are settled before anything is reported.
  const written = await Promise.allSettled([
    deps.documents.updateMany(changes),
    statusRows.length > 0 ? deps.transactions.append(statusRows) : undefined,
    recordOwnMessages(deps, unique.flatMap(ownMessage)),
  ]);
  const failure = written.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  for (const [move, group] of byMove(moved)) await deps.tracking.advanceMany(group.map((entry) => entry.jobId), move.from, move.to);
}

/** A sent notification of a customer, as message statistics count it. */
function ownMessage(entry: NotificationEntry) {
  if (entry.state !== 'sent' || entry.customerId === null || entry.channel === null) return [];
  return [{ customerId: entry.customerId, channel: entry.channel, event: entry.kind, price: entry.price, messageKey: entry.messageKey }];
}

function withNotificationOutcome(doc: JobDocument, entry: JobNotificationEntry, note: string, reachedTarget: boolean, now: Date): JobDocument {
  const move = EVENT_STEPS[entry.kind].move;
  const moved = reachedTarget && move ? withStatusAtLeast(doc, move.to, now) : doc;
  const summary: NotificationSummary = {
    // A delivery receipt may have arrived first; keep what it recorded about the same notification.
    ...summaryOf(moved, entry),
    messageKey: entry.messageKey,
    state: entry.state,
    at: now.toISOString(),
    note,
    ...(entry.providerMessageId ? { providerMessageId: entry.providerMessageId } : {}),
  };
  return { ...withSummary(moved, entry, summary), updated_at: now.toISOString() };
}

type Move = NonNullable<EventStep['move']>;

/** The entries of events that move their job, grouped by that move. */
function byMove(entries: readonly JobNotificationEntry[]): Map<Move, JobNotificationEntry[]> {
  const groups = new Map<Move, JobNotificationEntry[]>();
  for (const entry of entries) {
    const move = EVENT_STEPS[entry.kind].move;
    if (move) groups.set(move, [...(groups.get(move) ?? []), entry]);
  }
  return groups;
}

/** The entries whose job reached its event's target in the client table, by us now or before. */
async function moveClientJobs(deps: CompletionDeps, entries: readonly JobNotificationEntry[]): Promise<Set<NotificationEntry>> {
  const reached = new Set<NotificationEntry>();
  for (const [move, group] of byMove(entries)) {
    const jobIds = [...new Set(group.map((entry) => entry.jobId))];
    const atTarget = await deps.clientJobs.moveStatuses(jobIds, move.from, move.to);
    const rest = jobIds.filter((jobId) => !atTarget.has(jobId));
    const current = new Map<number, string | null>(rest.length === 0 ? [] : (await deps.clientJobs.readJobs(rest)).map((job) => [job.jobId, job.status]));
    for (const entry of group) {
      const status = atTarget.has(entry.jobId) ? move.to : (current.get(entry.jobId) ?? null);
      if (status !== null && isJobStatus(status) && statusRank(status) >= statusRank(move.to)) {
        reached.add(entry);
      } else {
        deps.logger.warn('client job not moved after its notification: its status changed under us', { jobId: entry.jobId, expected: move.from, found: status ?? 'job missing' });
      }
    }
  }
  return reached;
}
