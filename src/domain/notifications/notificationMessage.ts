import type { Channel } from '../channels/ports.js';
import type { JobEvent, NotificationEvent } from './texts.js';

/**
 * Set only on a message put off because the notification log could not record an attempt: what
 * this process knows of that attempt (`not-sent` when the claim was never confirmed, else the
 * provider's answer), so the next delivery records it instead of calling the outcome unknown.
 */
export interface AttemptReport {
  attempt: number;
  state: 'not-sent' | 'sent' | 'rejected' | 'failed' | 'retrying';
  gateway?: string | undefined;
  providerMessageId?: string | undefined;
  price?: string | undefined;
  errorCode?: string | undefined;
  detail?: string | undefined;
}

/**
 * One notification through one channel, as the outbox hands it to the sender. How it travels on
 * the queue (its JSON, the pre-channel SMS shape still read) is the edge's: notificationWire.ts.
 */
export interface NotificationMessage {
  notificationId: string;
  channel: Channel;
  event: NotificationEvent;
  /** The job it tells of; null for a message of no job (a broadcast, an auto-reply). */
  jobId: number | null;
  customerId: number | null;
  /** E.164 for sms and whatsapp, an email address for email. */
  to: string;
  text: string;
  subject?: string | undefined;
  html?: string | undefined;
  lastAttempt?: AttemptReport | undefined;
}

const EVENT_SUFFIX: Record<JobEvent, string> = {
  'job-received': 'received',
  'job-in-progress': 'in-progress',
  'job-completed': 'completed',
  'job-closed': 'closed',
};

/**
 * The idempotency key of one notification (job, event, channel): the queue's messageId and the
 * notification log's key. The sms channel keeps the key SMS had before channels (`job-123-received`),
 * so entries, queued messages and job_trans rows from before an upgrade stay the same notification.
 */
export function notificationKey(event: JobEvent, jobId: number, channel: Channel): string {
  const key = `job-${jobId}-${EVENT_SUFFIX[event]}`;
  return channel === 'sms' ? key : `${key}-${channel}`;
}

/**
 * The key of the feedback reward of one customer and brand through `channel`: a customer gets one
 * code of a brand, told once per channel, whichever of their jobs' feedback earned it.
 */
export function rewardKey(brandId: string, customerId: number, channel: Channel): string {
  const key = `reward-${brandId}-customer-${customerId}`;
  return channel === 'sms' ? key : `${key}-${channel}`;
}

/** A message put off to the start of a contact window: its id names the time, so a repeat schedules it once. */
export function scheduledMessageId(key: string, sendAt: Date): string {
  return `${key}-at-${sendAt.getTime()}`;
}

/** A retry is a new queue message (so duplicate detection keeps it) for the same notification log key. */
export function retryMessageId(key: string, attempt: number): string {
  return `${key}-attempt-${attempt}`;
}

/**
 * The repair path hands a stale `queued` notification to the queue again under a new id, tied to
 * the log entry's last update: concurrent pollers agree on it (the queue keeps one), and the next
 * repair, after the entry was touched again, gets another.
 */
export function requeuedMessageId(key: string, entryUpdatedAt: Date): string {
  return `${key}-requeue-${entryUpdatedAt.getTime()}`;
}

/**
 * A message put off after an infrastructure failure gets a new id each time (`-defer-<n>`), so the
 * queue's duplicate detection keeps it, and two deliveries of one message defer it only once.
 */
export function deferredMessageId(currentMessageId: string): { messageId: string; generation: number } {
  const match = /^(.*)-defer-(\d+)$/.exec(currentMessageId);
  const generation = match ? Number(match[2]) + 1 : 1;
  return { messageId: `${match ? match[1] : currentMessageId}-defer-${generation}`, generation };
}
