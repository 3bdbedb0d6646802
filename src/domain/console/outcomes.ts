import type { NotificationEntryWithDelivery, NotificationReason } from '../notifications/ports.js';
import { settledContent } from '../notifications/texts.js';
import type { ConsoleOutcome } from './ports.js';

/**
 * The console's outcome of a log entry: the rule of the ledger's generated `console_outcome`
 * (migration 024), which the list filters on; a queued or sending entry is `retrying` only once an
 * attempt failed (it carries the error), else `scheduled` (waiting to go).
 */
export function consoleOutcome(entry: Pick<NotificationEntryWithDelivery, 'state' | 'errorCode' | 'delivery'>): ConsoleOutcome {
  const receipt = entry.delivery?.outcome.kind;
  switch (entry.state) {
    case 'scheduled':
      return 'scheduled';
    case 'retrying':
      return 'retrying';
    case 'queued':
    case 'sending':
      return entry.errorCode === null ? 'scheduled' : 'retrying';
    case 'sent':
      return receipt === 'delivered' ? 'delivered' : receipt === 'undelivered' ? 'failed' : 'sent';
    case 'rejected':
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    default:
      return 'unknown';
  }
}

const REASON_TEXT: Record<NotificationReason, string> = {
  'not-subscribed': 'the customer takes no channel',
  'no-address': 'no usable number or email address',
  'invalid-recipient': 'the gateway refused the recipient for good',
  'provider-error': 'every attempt failed',
  'no-gateway': 'no enabled gateway carries the channel',
  'outcome-unknown': 'a send was cut off mid-way; not resent, so the customer never gets two',
  'delivery-failed': "the provider's receipt says it never arrived",
  'no-contact-window': "the customer's hours never meet the business's",
  paused: 'the runaway-sender guard paused sending to this customer until staff release it',
};

/** Why an entry is where it is, in plain words (null when nothing went wrong). */
export function reasonText(entry: Pick<NotificationEntryWithDelivery, 'reason' | 'detail' | 'state'>): string | null {
  const plain = entry.reason ? REASON_TEXT[entry.reason] : null;
  if (plain && entry.detail) return `${plain} (${entry.detail})`;
  return plain ?? (entry.state === 'sent' ? null : entry.detail);
}

/** The words as sent, never what the log must not keep in clear (a reward's code, a broadcast's text) even before it settles. */
export function textAsSent(entry: Pick<NotificationEntryWithDelivery, 'kind' | 'content'>): string | null {
  if (!entry.content) return null;
  return (settledContent(entry.kind, entry.content) ?? entry.content).text;
}

/** The plain reason and the words as sent of an entry, as the console shows them beside its outcome. */
export function outcomeText(entry: Pick<NotificationEntryWithDelivery, 'reason' | 'detail' | 'state' | 'kind' | 'content'>): { reasonText: string | null; text: string | null } {
  return { reasonText: reasonText(entry), text: textAsSent(entry) };
}
