import { isDeepStrictEqual } from 'node:util';
import { describeNotificationOutcome } from '../notifications/labels.js';
import { deliveryStatusWord, type DeliveryStatusWord } from '../notifications/deliveryOutcome.js';
import type { JobNotificationEntry, NotificationEntryWithDelivery } from '../notifications/ports.js';
import type { JobBoundEvent } from '../notifications/texts.js';
import { withStatusAtLeast, type JobDocument, type NotificationSummary } from './job.js';
import type { JobStatus } from './jobStatus.js';

interface EventStep {
  /** The job's status while the event's notifications go out (their job_trans rows carry it). */
  status: JobStatus;
  /** The job's move once the event's notification is settled (seed 000: OPENED after the courtesy message, CLOSED after the feedback request). */
  move?: { from: JobStatus; to: JobStatus; slot: 'courtesy' | 'feedback' };
}

/** What each of a job's notifications means to the job: the jobs area's reading of the events notifications report. */
export const EVENT_STEPS: Record<JobBoundEvent, EventStep> = {
  'job-received': { status: 'NEW', move: { from: 'NEW', to: 'OPENED', slot: 'courtesy' } },
  'job-in-progress': { status: 'IN PROGRESS' },
  'job-completed': { status: 'JOB COMPLETED' },
  'job-closed': { status: 'JOB COMPLETED', move: { from: 'JOB COMPLETED', to: 'CLOSED', slot: 'feedback' } },
  // The reward follows a reply to the feedback request, which went out as the job closed.
  'reward-code': { status: 'CLOSED' },
};

export type Move = NonNullable<EventStep['move']>;

/** The SMS summary on the job document, with what the delivery receipts said. */
export interface NotificationSummaryWithDelivery extends NotificationSummary {
  delivery?: { status: DeliveryStatusWord; errorCode: string | null; deliveredAt?: string };
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

/** The document once a notification settled: moved to its event's target when the client job got there, with the notification's summary. */
export function withNotificationOutcome(doc: JobDocument, entry: JobNotificationEntry, note: string, reachedTarget: boolean, now: Date): JobDocument {
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

/** Mirrors the log entry (state, provider's message id, delivery) into the document's summary of that notification. */
export function withDeliverySummary(doc: JobDocument, entry: NotificationEntryWithDelivery & JobNotificationEntry, now: Date): JobDocument {
  if (slotHeldByOther(doc, entry)) return doc;
  const existing = summaryOf(doc, entry) as NotificationSummaryWithDelivery | undefined;
  const base: NotificationSummaryWithDelivery = existing ?? { messageKey: entry.messageKey, state: entry.state, at: now.toISOString(), note: describeNotificationOutcome(entry) };
  const stateChanged = base.state !== entry.state;
  const next: NotificationSummaryWithDelivery = {
    ...base,
    state: entry.state,
    ...(stateChanged ? { at: now.toISOString(), note: describeNotificationOutcome(entry) } : {}),
    ...(entry.providerMessageId ? { providerMessageId: entry.providerMessageId } : {}),
    ...(entry.delivery
      ? {
          delivery: {
            status: deliveryStatusWord(entry.delivery.outcome),
            errorCode: entry.delivery.errorCode,
            ...(entry.delivery.deliveredAt ? { deliveredAt: entry.delivery.deliveredAt.toISOString() } : {}),
          },
        }
      : {}),
  };
  if (isDeepStrictEqual(existing, next)) return doc;
  return { ...withSummary(doc, entry, next), updated_at: now.toISOString() };
}
