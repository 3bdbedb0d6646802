import type { Channel } from '../channels/ports.js';
import { destination, type CustomerProfile } from '../customers/customer.js';
import { maskEmail } from '../shared/email.js';
import { maskPhone } from '../shared/phone.js';
import type { Clock, PhoneKeys } from '../shared/ports.js';
import type { NotificationMessage } from './notificationMessage.js';
import type { NotificationEntry, NotificationQueue, NotificationRegistration, OutboundNotification, OutboxLog, SettlementListener } from './ports.js';
import { settledContent, type NotificationContent, type NotificationEvent } from './texts.js';

/**
 * The log entry of a message about to be queued; the key is the notification's, not a retry's
 * messageId. Its words are kept with it: the poll requeues them, and the console shows them.
 */
function withSettledContent(event: NotificationEvent, content: NotificationContent): Pick<NotificationRegistration, 'content' | 'settledContent'> {
  const settled = settledContent(event, content);
  return settled ? { content, settledContent: settled } : { content };
}

export function queuedRegistration(message: NotificationMessage, phoneKeys: PhoneKeys): NotificationRegistration {
  const email = message.channel === 'email';
  const { text, subject, html } = message;
  return {
    messageKey: message.notificationId,
    jobId: message.jobId,
    customerId: message.customerId,
    kind: message.event,
    channel: message.channel,
    state: 'queued',
    toMasked: email ? maskEmail(message.to) : maskPhone(message.to),
    toHash: email ? null : phoneKeys.lookupKey(message.to),
    detail: null,
    reason: null,
    // Every message keeps its words as queued (the console shows them as sent); a reward's code and a broadcast's text only until it settles.
    ...withSettledContent(message.event, { text, ...(subject ? { subject } : {}), ...(html ? { html } : {}) }),
  };
}

/** One thing to tell a customer, on every channel they take: its event, the job it is logged under (if any), its key and words per channel. */
export interface Announcement {
  event: NotificationEvent;
  jobId: number | null;
  customer: CustomerProfile;
  key(channel: Channel): string;
  content(channel: Channel): NotificationContent;
}

/** The message of the announcement through `channel`, or why there is none. */
export function messageThrough(announcement: Announcement, channel: Channel): OutboundNotification | { reason: string } {
  const { customer } = announcement;
  const subscription = customer.subscriptions.find((s) => s.channel === channel);
  const to = subscription && destination(customer, subscription);
  if (!to) return { reason: channel === 'email' ? 'no email address on the customer' : 'no mobile on the customer' };
  const notificationId = announcement.key(channel);
  return {
    messageId: notificationId,
    body: { notificationId, channel, event: announcement.event, jobId: announcement.jobId, customerId: customer.customerId, to, ...announcement.content(channel) },
  };
}

/** The `skipped` entry of an announcement through `channel` (null: the customer takes no channel; keyed as sms). */
export function skippedRegistration(
  announcement: Announcement,
  channel: Channel | null,
  reason: NotificationRegistration['reason'],
  detail: string,
): NotificationRegistration {
  const { event, jobId, customer } = announcement;
  return { messageKey: announcement.key(channel ?? 'sms'), jobId, customerId: customer.customerId, kind: event, channel, state: 'skipped', toMasked: '-', toHash: null, detail, reason };
}

/** Messages to queue, and the entries of those that cannot go (logged `skipped`, never silently dropped). */
export interface Outgoing {
  messages: OutboundNotification[];
  skipped: NotificationRegistration[];
}

/**
 * Each announcement through every channel its customer subscribes to. A customer subscribed to
 * nothing, or a channel without an address, gets a `skipped` entry instead.
 */
export function addAnnouncement(outgoing: Outgoing, announcement: Announcement): void {
  const { customer } = announcement;
  const skip = (channel: Channel | null, reason: NotificationRegistration['reason'], detail: string) => outgoing.skipped.push(skippedRegistration(announcement, channel, reason, detail));
  if (customer.subscriptions.length === 0) {
    skip(null, 'not-subscribed', 'the customer is subscribed to no channel');
    return;
  }
  for (const { channel } of customer.subscriptions) {
    const message = messageThrough(announcement, channel);
    if ('reason' in message) skip(channel, 'no-address', message.reason);
    else outgoing.messages.push(message);
  }
}

export interface OutboxPorts {
  log: OutboxLog;
  queue: NotificationQueue;
  phoneKeys: PhoneKeys;
  /** Told of entries that are settled as they are logged (skipped), so their job still moves on. */
  onSettled: SettlementListener;
  /** The time entries are logged at. */
  clock: Clock;
}

/**
 * The one way into the notification pipeline: every message is logged before it is queued, so a
 * crash in between is repaired by the poll (NotificationRepair) and never loses a message. Built
 * once per worker and handed to every area that tells customers something.
 */
export class Outbox {
  constructor(private readonly ports: OutboxPorts) {}

  /** Logs and queues; skipped entries are reported settled at once. */
  async send({ messages, skipped }: Outgoing): Promise<{ queued: number; skipped: number }> {
    const { log, queue, onSettled } = this.ports;
    await this.register([...messages.map((m) => this.registration(m.body)), ...skipped]);
    await queue.enqueue(messages);
    if (skipped.length > 0) await onSettled.settled(await log.getMany(skipped.map((entry) => entry.messageKey)));
    return { queued: messages.length, skipped: skipped.length };
  }

  /** The `queued` log entry of a message (a caller may log it in another state, say `scheduled`). */
  registration(message: NotificationMessage): NotificationRegistration {
    return queuedRegistration(message, this.ports.phoneKeys);
  }

  /** Logs entries that do not exist yet; existing ones keep their state. */
  async register(entries: readonly NotificationRegistration[]): Promise<void> {
    await this.ports.log.register(entries, this.ports.clock.now());
  }

  /** Hands messages already logged to the queue (again): a retry, a scheduled send, a repair. */
  async enqueue(messages: readonly OutboundNotification[]): Promise<void> {
    await this.ports.queue.enqueue(messages);
  }

  async logged(messageKeys: readonly string[]): Promise<NotificationEntry[]> {
    return this.ports.log.getMany(messageKeys);
  }

  /**
   * One message that answers something the customer did (an auto-reply, an opt-out's
   * confirmation): logged unless `logged` already is, then queued under its own key, which the
   * queue's duplicate detection drops if an earlier delivery got there.
   */
  async sendOne(message: NotificationMessage, logged: NotificationEntry | undefined): Promise<void> {
    if (!logged) await this.register([this.registration(message)]);
    await this.enqueue([{ messageId: message.notificationId, body: message }]);
  }

  async get(messageKey: string): Promise<NotificationEntry | undefined> {
    return this.ports.log.get(messageKey);
  }
}
