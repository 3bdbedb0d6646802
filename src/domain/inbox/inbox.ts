import type { CustomerProfile } from '../customers/customer.js';
import type { NotificationMessage } from '../notifications/notificationMessage.js';
import type { Outbox } from '../notifications/outbox.js';
import { autoReplyText } from '../notifications/texts.js';
import type { Clock, Logger, PhoneKeys } from '../shared/ports.js';
import { isServedMobile, maskPhone } from '../shared/phone.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { closedPeriodKey, formatOpening, nextOpening } from '../windows/contactWindow.js';
import type { InboundChannel, Inbox, InboxMessage, InboxStatus } from './ports.js';

/** Inbound texts are kept up to 4,096 characters (code points), the Messages API's longest text. */
export const MAX_INBOX_TEXT = 4096;

export interface InboxDeps {
  inbox: Inbox;
  /** The auto-reply goes out through it, once per key. */
  outbox: Outbox;
  phoneKeys: PhoneKeys;
  calendar: BusinessCalendar;
  clock: Clock;
  logger: Logger;
  /** AUTO_REPLY_COUNTRY_CODES: the country calling codes whose mobiles an auto-reply may go to. */
  autoReplyCountryCodes: readonly string[];
}

/** An inbound message as the webhook parsed it, with the sender's number and customer when there are. */
export interface Inbound {
  messageId: string;
  channel: InboundChannel;
  /** The sender as the provider gave it. */
  from: string;
  text: string;
  /** The sender as a usable E.164 number; undefined for an alphanumeric or broken sender, who cannot be answered. */
  e164: string | undefined;
  customer: CustomerProfile | undefined;
  /** The job it is about, when the sender was answering a feedback request. */
  jobId: number | null;
}

/** Whether the sender was answered: `queued` now (or again, after a crash), already by an earlier message of the same closed period, or not at all (open, or no number to answer). */
export type AutoReplyOutcome = 'queued' | 'already-answered' | 'none';

/**
 * The one auto-reply to one sender: a customer's once per closed period; a number no customer has
 * once per (UTC) day, by its keyed lookup key (never the number itself), so however short the
 * closed periods, strangers cost at most one SMS a day each.
 */
export function autoReplyKey(closedPeriod: string, receivedAt: Date, customerId: number | null, senderLookupKey: string): string {
  return customerId === null
    ? `auto-reply-${receivedAt.toISOString().slice(0, 10)}-number-${senderLookupKey.slice(0, 24)}`
    : `auto-reply-${closedPeriod}-customer-${customerId}`;
}

/**
 * Keeps a customer's message for staff (DESIGN.md, Contact windows) and, when it arrives outside
 * business hours from a mobile in a country the business serves, answers it once (autoReplyKey)
 * with the next opening, at once
 * (the auto-reply waits for no window). The inbox row is written first and records which
 * auto-reply answers it, from the time it first arrived, so the provider's redelivery after a
 * crash queues the same auto-reply again and the notification's key sends it once.
 */
export async function keepInboundMessage(deps: InboxDeps, inbound: Inbound): Promise<{ message: InboxMessage; autoReply: AutoReplyOutcome }> {
  const receivedAt = deps.clock.now();
  const closedPeriod = closedPeriodKey(deps.calendar, receivedAt);
  const customerId = inbound.customer?.customerId ?? null;
  // A sender without a usable number cannot be answered, nor one abroad or on a premium or unknown line (toll fraud).
  const answerable = inbound.e164 !== undefined && isServedMobile(inbound.e164, deps.autoReplyCountryCodes);
  const replyKey =
    closedPeriod === null || !answerable ? null : autoReplyKey(closedPeriod, receivedAt, customerId, deps.phoneKeys.lookupKey(inbound.e164!));
  const message = await deps.inbox.keep({
    messageId: inbound.messageId,
    channel: inbound.channel,
    from: inbound.e164 ?? inbound.from,
    customerId,
    jobId: inbound.jobId,
    text: Array.from(inbound.text.trim()).slice(0, MAX_INBOX_TEXT).join(''),
    receivedAt,
    autoReplyKey: replyKey,
  });
  if (message.autoReplyKey === null || inbound.e164 === undefined) return { message, autoReply: 'none' };

  const key = message.autoReplyKey;
  const logged = await deps.outbox.get(key);
  if (logged && logged.state !== 'queued') return { message, autoReply: 'already-answered' };
  const opening = nextOpening(deps.calendar, message.receivedAt);
  const reply: NotificationMessage = {
    notificationId: key,
    channel: message.channel,
    event: 'auto-reply',
    jobId: null,
    customerId: message.customerId,
    to: inbound.e164,
    text: autoReplyText(opening === null ? null : formatOpening(deps.calendar, opening)),
  };
  await deps.outbox.sendOne(reply, logged);
  deps.logger.info('after-hours auto-reply queued', { messageId: message.messageId, notificationId: key, to: maskPhone(inbound.e164) });
  return { message, autoReply: 'queued' };
}

export async function listInbox(deps: { inbox: Inbox }, status: InboxStatus, limit: number): Promise<InboxMessage[]> {
  return deps.inbox.list(status, limit);
}

/** Marks a kept message handled (or pending again); undefined for an unknown id. */
export async function setInboxStatus(deps: { inbox: Inbox; clock: Clock }, messageId: string, status: InboxStatus): Promise<InboxMessage | undefined> {
  return deps.inbox.setStatus(messageId, status, deps.clock.now());
}
