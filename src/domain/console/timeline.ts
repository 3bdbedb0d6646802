import type { CustomerProfile } from '../customers/customer.js';
import type { Customers } from '../customers/ports.js';
import type { JobDocument } from '../jobs/job.js';
import type { JobDocuments, JobTransaction, TransactionEvent } from '../jobs/ports.js';
import type { NotificationEntryWithDelivery } from '../notifications/ports.js';
import { deliveryStatusWord } from '../notifications/deliveryOutcome.js';
import { retryDelayMs } from '../notifications/retries.js';
import { describeBusinessCalendar, type BusinessCalendar } from '../windows/businessCalendar.js';
import { consoleOutcome, reasonText, textAsSent } from './outcomes.js';
import type { ConsoleJobs, JobCustomer, JobHistories, JobHistory, ListedJob } from './ports.js';

export interface TimelineEntry {
  at: Date;
  kind: 'status' | 'notification' | 'receipt' | 'payment' | 'refund' | 'feedback' | 'reward' | 'staff-action' | 'inbound';
  title: string;
  detail?: string;
  actor?: string;
  [field: string]: unknown;
}

/** "Why not yet?" of a notification that waits: its window, or the gateway that failed and the next try. */
export interface Pending {
  notificationId: string;
  channel: string | null;
  outcome: 'scheduled' | 'retrying';
  nextAttemptAt: Date | null;
  reasonText: string;
  window: { businessHours: string; customerHours: string | null; customerTimeZone: string | null } | null;
  failedGateway: string | null;
  failedAt: Date | null;
}

export interface JobView {
  job: ListedJob & { customer: JobCustomer | null };
  timeline: TimelineEntry[];
  pending: Pending[];
}

export interface JobViewDeps {
  jobs: Pick<ConsoleJobs, 'get'>;
  histories: JobHistories;
  documents: Pick<JobDocuments, 'get'>;
  customers: Pick<Customers, 'getMany'>;
  calendar: BusinessCalendar;
}

/**
 * Who or what moved a job, by the job_trans event that recorded the move. Only these events move
 * a job; the others (NOTIFY, PAYMENT, CLOSURE, FEEDBACK ...) note the status the job had when they
 * happened, and the timeline shows them as entries of their own.
 */
const MOVED_BY: Partial<Record<TransactionEvent, string>> = {
  INGEST: 'client system',
  STATUS: 'client system',
  PUT: 'api',
};

/**
 * Who moved the job to a row's status. A STATUS row records a move in the client's Jobs table,
 * whichever path saw it first (the mirror or the send path use one event key), so its status says
 * who made it: the client system moves jobs to IN PROGRESS and JOB COMPLETED, Repair Relay moves
 * them to OPENED and CLOSED once the courtesy or feedback message has gone (docs/api.md, Job lifecycle).
 */
export function movedBy(row: JobTransaction): string | undefined {
  if (row.event === 'STATUS' && (row.status === 'OPENED' || row.status === 'CLOSED')) return 'Repair Relay, after its message';
  return MOVED_BY[row.event];
}

/** Status changes: the rows that set a status other than the one before, and every refused client status (FLAG). */
function statusEntries(transactions: readonly JobTransaction[]): TimelineEntry[] {
  let current: string | undefined;
  const entries: TimelineEntry[] = [];
  for (const row of transactions) {
    if (row.event === 'FLAG') {
      entries.push({ at: row.at, kind: 'status', title: 'Client status not mirrored', detail: row.note, status: row.status, source: 'client system' });
      continue;
    }
    const source = movedBy(row);
    if (source === undefined || row.status === current) continue;
    current = row.status;
    entries.push({ at: row.at, kind: 'status', title: `Status ${row.status}`, detail: row.note, status: row.status, source });
  }
  return entries;
}

function notificationEntries(entries: readonly NotificationEntryWithDelivery[]): TimelineEntry[] {
  return entries.flatMap((entry) => {
    const text = textAsSent(entry);
    const outcome = consoleOutcome(entry);
    const shown: TimelineEntry[] = [
      {
        at: entry.createdAt,
        kind: 'notification',
        title: `${entry.kind} by ${entry.channel ?? 'no channel'}: ${outcome}`,
        notificationId: entry.messageKey,
        event: entry.kind,
        channel: entry.channel,
        gateway: entry.gateway,
        attempts: entry.attempts,
        outcome,
        reason: entry.reason,
        reasonText: reasonText(entry),
        text,
        settledAt: entry.settledAt,
      },
    ];
    if (entry.delivery) {
      const at = entry.delivery.deliveredAt ?? entry.settledAt ?? entry.updatedAt;
      const status = deliveryStatusWord(entry.delivery.outcome);
      shown.push({ at, kind: 'receipt', title: `Receipt: ${status}`, notificationId: entry.messageKey, status });
    }
    const code = entry.kind === 'reward-code' && text ? /\*+[A-Za-z0-9]+/.exec(text)?.[0] : undefined;
    if (code) shown.push({ at: entry.createdAt, kind: 'reward', title: 'Reward code', codeMasked: code });
    return shown;
  });
}

function moneyEntries(doc: JobDocument | undefined): TimelineEntry[] {
  if (!doc) return [];
  const payments = (doc.payments ?? []).map((p): TimelineEntry => ({ at: new Date(p.paid_at), kind: 'payment', title: `Payment ${p.amount} ${p.currency}`, amount: p.amount, currency: p.currency }));
  const refunds = (doc.refunds ?? []).map(
    (r): TimelineEntry => ({ at: new Date(r.refunded_at), kind: 'refund', title: `Refund ${r.amount_refunded} ${r.currency}${r.fully_refunded ? ' (full)' : ''}`, amount: r.amount_refunded, currency: r.currency }),
  );
  return [...payments, ...refunds];
}

function otherEntries(history: JobHistory): TimelineEntry[] {
  return [
    ...history.feedback.map((f): TimelineEntry => ({ at: f.receivedAt, kind: 'feedback', title: f.score === null ? 'Feedback' : `Feedback ${f.score}/5`, score: f.score, text: f.text })),
    ...history.staffActions.map((a): TimelineEntry => ({ at: a.at, kind: 'staff-action', title: `${a.action} by ${a.actorName}`, action: a.action, actor: a.actorName, target: a.target })),
    ...history.inbound.map((m): TimelineEntry => ({ at: m.receivedAt, kind: 'inbound', title: `Message from the customer (${m.channel})`, messageId: m.messageId, text: m.text })),
  ];
}

function contactHoursText(customer: CustomerProfile | undefined): string | null {
  if (!customer?.contactHours || customer.contactHours.length === 0) return null;
  return customer.contactHours.map((range) => `${range.days.join(', ')} ${range.from}-${range.to}`).join('; ');
}

/** Why each waiting notification has not gone yet. */
export function pendingOf(entries: readonly NotificationEntryWithDelivery[], calendar: BusinessCalendar, customer: CustomerProfile | undefined): Pending[] {
  return entries.flatMap((entry): Pending[] => {
    const outcome = consoleOutcome(entry);
    if (outcome !== 'scheduled' && outcome !== 'retrying') return [];
    if (outcome === 'retrying') {
      const nextAttemptAt = new Date(entry.updatedAt.getTime() + retryDelayMs(Math.max(1, entry.attempts)));
      return [
        { notificationId: entry.messageKey, channel: entry.channel, outcome, nextAttemptAt, reasonText: `attempt ${entry.attempts} failed: ${entry.detail ?? entry.errorCode ?? 'no detail'}`, window: null, failedGateway: entry.gateway, failedAt: entry.updatedAt },
      ];
    }
    const waiting = entry.state === 'scheduled';
    return [
      {
        notificationId: entry.messageKey,
        channel: entry.channel,
        outcome,
        nextAttemptAt: waiting ? entry.scheduledFor : entry.updatedAt,
        reasonText: waiting ? 'outside the contact window: it goes out when business hours and the customer\'s hours next meet' : 'queued: it goes out as soon as the queue delivers it',
        window: { businessHours: describeBusinessCalendar(calendar), customerHours: contactHoursText(customer), customerTimeZone: customer?.timezone ?? null },
        failedGateway: null,
        failedAt: null,
      },
    ];
  });
}

/** GET /api/staff/jobs/{jobId}: the job, one timeline of everything (oldest first) and what still waits; undefined for an unknown job. */
export async function jobView(deps: JobViewDeps, jobId: number): Promise<JobView | undefined> {
  const job = await deps.jobs.get(jobId);
  if (!job) return undefined;
  const [history, doc, customers] = await Promise.all([
    deps.histories.read(jobId),
    deps.documents.get(jobId),
    job.customer ? deps.customers.getMany([job.customer.customerId]) : Promise.resolve([]),
  ]);
  const timeline = [...statusEntries(history.transactions), ...notificationEntries(history.notifications), ...moneyEntries(doc), ...otherEntries(history)].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  return { job, timeline, pending: pendingOf(history.notifications, deps.calendar, customers[0]) };
}
