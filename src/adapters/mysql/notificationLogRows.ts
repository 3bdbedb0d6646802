import type { RowDataPacket } from 'mysql2/promise';
import type { Channel, GatewayName } from '../../domain/channels/ports.js';
import type {
  JobNotificationEntry,
  NotificationEntry,
  NotificationEntryWithDelivery,
  NotificationReason,
  NotificationState,
} from '../../domain/notifications/ports.js';
import { deliveryOutcomeOf, type DeliveryStatusWord } from '../../domain/notifications/deliveryOutcome.js';
import type { NotificationContent, NotificationEvent } from '../../domain/notifications/texts.js';

/* notification_log rows as MysqlNotificationLog reads them, and the domain's entries they map to. */

export const COLUMNS =
  'message_key, Job_id, customer_id, kind, channel, state, attempts, gateway, to_masked, to_hash, provider_message_id, price, error_code, detail, reason, created_at, updated_at, settled_at, scheduled_for, content';
export const WITH_DELIVERY = `${COLUMNS}, delivery_status, delivery_error_code, delivered_at`;

export interface NotificationLogRow extends RowDataPacket {
  message_key: string;
  Job_id: number | null;
  customer_id: string | null;
  kind: NotificationEvent;
  channel: Channel | null;
  state: NotificationState;
  attempts: number;
  gateway: GatewayName | null;
  to_masked: string;
  to_hash: string | null;
  provider_message_id: string | null;
  price: string | null;
  error_code: string | null;
  detail: string | null;
  reason: NotificationReason | null;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
  scheduled_for: Date | null;
  content: string | null;
}

export interface NotificationLogDeliveryRow extends NotificationLogRow {
  /** The outcome's stored word (deliveryStatusWord). */
  delivery_status: DeliveryStatusWord | null;
  delivery_error_code: string | null;
  delivered_at: Date | null;
}

export function toEntryWithDelivery(row: NotificationLogDeliveryRow): NotificationEntryWithDelivery {
  return {
    ...toEntry(row),
    delivery: row.delivery_status ? { outcome: deliveryOutcomeOf(row.delivery_status), errorCode: row.delivery_error_code, deliveredAt: row.delivered_at } : null,
  };
}

export function toEntry(row: NotificationLogRow): NotificationEntry {
  return {
    messageKey: row.message_key,
    jobId: row.Job_id === null ? null : Number(row.Job_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    kind: row.kind,
    channel: row.channel,
    state: row.state,
    attempts: Number(row.attempts),
    gateway: row.gateway,
    toMasked: row.to_masked,
    toHash: row.to_hash,
    providerMessageId: row.provider_message_id,
    price: row.price,
    errorCode: row.error_code,
    detail: row.detail,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    settledAt: row.settled_at,
    scheduledFor: row.scheduled_for,
    // Written by `register` below from the domain's NotificationContent.
    content: row.content === null ? null : (JSON.parse(row.content) as NotificationContent),
  };
}

/** Entries read by a job column are the job's (forJobs, latestSentTo filter by a job-bound kind). */
export function toJobEntry(row: NotificationLogRow): JobNotificationEntry {
  return toEntry(row) as JobNotificationEntry;
}
