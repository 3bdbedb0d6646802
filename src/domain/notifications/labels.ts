import type { Channel } from '../channels/ports.js';
import type { NotificationEntry } from './ports.js';
import type { NotificationEvent } from './texts.js';

/** What staff call each event's message in a job's history. */
const EVENT_LABELS: Record<NotificationEvent, string> = {
  'job-received': 'Courtesy',
  'job-in-progress': 'In-progress',
  'job-completed': 'Completion',
  'job-closed': 'Feedback',
  'reward-code': 'Reward',
  broadcast: 'Broadcast',
  'auto-reply': 'Auto-reply',
  'staff-reply': 'Staff reply',
};

const CHANNEL_LABELS: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp message', email: 'email' };

/** "Courtesy SMS", "Feedback email", "Courtesy message" (no channel: the customer takes none). */
export function notificationLabel(entry: Pick<NotificationEntry, 'kind' | 'channel'>): string {
  return `${EVENT_LABELS[entry.kind]} ${entry.channel ? CHANNEL_LABELS[entry.channel] : 'message'}`;
}

/** The outcome of a notification in words, as a job's history and document show it; never the full address. */
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
