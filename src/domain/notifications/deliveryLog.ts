import type { Channel, GatewayName } from '../channels/ports.js';
import type { DeliveryKind } from './deliveryOutcome.js';
import type { NotificationEntryWithDelivery, NotificationFilter, NotificationOutcome, NotificationQueries, NotificationReason, NotificationState } from './ports.js';
import type { NotificationEvent } from './texts.js';

/** One line of `GET /api/notifications` (DESIGN.md, Notifications). */
export interface NotificationView {
  notificationId: string;
  jobId: number | null;
  customerId: number | null;
  event: NotificationEvent;
  channel: Channel | null;
  gateway: GatewayName | null;
  outcome: NotificationOutcome;
  reason: NotificationReason | null;
  /** What the gateways answered last: why it failed or is waiting (each gateway's answer when none took it). */
  detail: string | null;
  attempts: number;
  createdAt: string;
  settledAt: string | null;
  /** While `scheduled`: when it will go out (the start of the customer's next contact window). */
  scheduledFor: string | null;
}

/** What a provider's receipts say of a sent message (a DeliveryOutcome's kind; no receipt yet is `pending`), or `any`. */
export type DeliveryClass = 'any' | DeliveryKind;

/**
 * DESIGN.md's outcome of a log entry, as data: an outcome is the entries in one of its clauses'
 * states whose delivery is of the clause's class. `queued` until a gateway answers for good,
 * `sent` until a receipt says `delivered` or that it never arrived (`failed`). A send cut off
 * mid-way (`unknown`) is `failed`: nothing says it arrived, and a receipt that later says so makes
 * it `sent` and then `delivered`. This table is the one source of the rule: `notificationOutcome`
 * reads it for an entry in hand, and the MySQL adapter writes its `list` filter from it, so the
 * API's outcome and its `?outcome=` filter cannot disagree.
 */
export const OUTCOME_RULE: Readonly<Record<NotificationOutcome, ReadonlyArray<{ states: readonly NotificationState[]; delivery: DeliveryClass }>>> = {
  scheduled: [{ states: ['scheduled'], delivery: 'any' }],
  queued: [{ states: ['queued', 'sending', 'retrying'], delivery: 'any' }],
  sent: [{ states: ['sent'], delivery: 'pending' }],
  delivered: [{ states: ['sent'], delivery: 'delivered' }],
  failed: [
    { states: ['rejected', 'failed', 'unknown'], delivery: 'any' },
    { states: ['sent'], delivery: 'undelivered' },
  ],
  skipped: [{ states: ['skipped'], delivery: 'any' }],
};

function outcomeOf(entry: NotificationEntryWithDelivery): NotificationOutcome {
  const delivery: Exclude<DeliveryClass, 'any'> = entry.delivery?.outcome.kind ?? 'pending';
  const outcomes = Object.keys(OUTCOME_RULE) as NotificationOutcome[];
  const found = outcomes.find((outcome) => OUTCOME_RULE[outcome].some((clause) => clause.states.includes(entry.state) && (clause.delivery === 'any' || clause.delivery === delivery)));
  if (!found) throw new Error(`no outcome for a notification in state ${entry.state}`);
  return found;
}

/** Why an entry has its outcome: the reason it was logged with, or the one its state implies. */
function reasonOf(entry: NotificationEntryWithDelivery, outcome: NotificationOutcome): NotificationReason | null {
  if (outcome === 'skipped') return entry.reason ?? 'no-address';
  if (outcome !== 'failed') return null;
  switch (entry.state) {
    case 'sent':
      return 'delivery-failed';
    case 'rejected':
      return entry.reason ?? 'invalid-recipient';
    case 'unknown':
      return 'outcome-unknown';
    default:
      return entry.reason ?? 'provider-error';
  }
}

/** DESIGN.md's outcome of a log entry (OUTCOME_RULE) and its reason. */
export function notificationOutcome(entry: NotificationEntryWithDelivery): { outcome: NotificationOutcome; reason: NotificationReason | null } {
  const outcome = outcomeOf(entry);
  return { outcome, reason: reasonOf(entry, outcome) };
}

export function toNotificationView(entry: NotificationEntryWithDelivery): NotificationView {
  return {
    notificationId: entry.messageKey,
    jobId: entry.jobId,
    customerId: entry.customerId,
    event: entry.kind,
    channel: entry.channel,
    gateway: entry.gateway,
    ...notificationOutcome(entry),
    detail: entry.detail,
    attempts: entry.attempts,
    createdAt: entry.createdAt.toISOString(),
    settledAt: entry.settledAt?.toISOString() ?? null,
    scheduledFor: entry.scheduledFor?.toISOString() ?? null,
  };
}

/** The notification log, newest first: what was sent, skipped or failed, and why. */
export async function listNotifications(deps: { notificationLog: Pick<NotificationQueries, 'list'> }, filter: NotificationFilter): Promise<NotificationView[]> {
  return (await deps.notificationLog.list(filter)).map(toNotificationView);
}
