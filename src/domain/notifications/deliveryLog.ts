import type { Channel, GatewayName } from '../channels/ports.js';
import type { NotificationEntryWithDelivery, NotificationFilter, NotificationLog, NotificationOutcome, NotificationReason } from './ports.js';
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

const FAILED_DELIVERIES = new Set(['failed', 'expired', 'rejected']);

/**
 * DESIGN.md's outcome of a log entry: `queued` until a gateway answers for good, `sent` until a
 * receipt says `delivered` or that it never arrived (`failed`, reason `delivery-failed`). A send cut
 * off mid-way (`unknown`) is `failed` with `outcome-unknown`: nothing says it arrived, and a
 * receipt that later says so makes it `delivered`. The same rule is SQL in the MySQL adapter's `list`.
 */
export function notificationOutcome(entry: NotificationEntryWithDelivery): { outcome: NotificationOutcome; reason: NotificationReason | null } {
  switch (entry.state) {
    case 'scheduled':
      return { outcome: 'scheduled', reason: null };
    case 'queued':
    case 'sending':
    case 'retrying':
      return { outcome: 'queued', reason: null };
    case 'skipped':
      return { outcome: 'skipped', reason: entry.reason ?? 'no-address' };
    case 'sent':
      if (entry.delivery?.status === 'delivered') return { outcome: 'delivered', reason: null };
      if (entry.delivery && FAILED_DELIVERIES.has(entry.delivery.status)) return { outcome: 'failed', reason: 'delivery-failed' };
      return { outcome: 'sent', reason: null };
    case 'rejected':
      return { outcome: 'failed', reason: entry.reason ?? 'invalid-recipient' };
    case 'failed':
      return { outcome: 'failed', reason: entry.reason ?? 'provider-error' };
    case 'unknown':
      return { outcome: 'failed', reason: 'outcome-unknown' };
  }
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
export async function listNotifications(deps: { notificationLog: NotificationLog }, filter: NotificationFilter): Promise<NotificationView[]> {
  return (await deps.notificationLog.list(filter)).map(toNotificationView);
}
