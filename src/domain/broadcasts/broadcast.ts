import { createHash } from 'node:crypto';
import type { Channel } from '../channels/ports.js';
import type { CustomerProfile } from '../customers/customer.js';
import type { Customers } from '../customers/ports.js';
import { messageThrough, skippedRegistration, type Announcement, type Outbox } from '../notifications/outbox.js';
import { scheduledMessageId } from '../notifications/notificationMessage.js';
import type { NotificationRegistration, OutboundNotification } from '../notifications/ports.js';
import { broadcastContent } from '../notifications/texts.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { nextSendTime } from '../windows/contactWindow.js';
import type { BroadcastCounts, Broadcasts } from './ports.js';

/** DESIGN.md: up to 10,000 recipients per broadcast. */
export const MAX_BROADCAST_RECIPIENTS = 10_000;

/** What staff asked for, as the edge parsed it: distinct customer ids, in the order given. */
export interface BroadcastRequest {
  broadcastId: string;
  text: string;
  customerIds: readonly number[];
}

export interface BroadcastDeps {
  broadcasts: Broadcasts;
  customers: Pick<Customers, 'getMany'>;
  /** Every entry is logged before anything is queued. */
  outbox: Outbox;
  calendar: BusinessCalendar;
  clock: Clock;
  logger: Logger;
}

export type BroadcastResult =
  | { outcome: 'accepted'; broadcastId: string; counts: BroadcastCounts }
  /** The id was used for another text or other recipients. */
  | { outcome: 'conflict'; detail: string }
  | { outcome: 'unknown-customers'; customerIds: number[] };

/** Customers read, and log entries written, per statement: a 10,000-recipient broadcast is a few dozen round trips. */
const CHUNK = 1_000;

/** The key of a broadcast to one customer through one channel (sms keeps the bare key, as job notifications do). */
export function broadcastKey(broadcastId: string, customerId: number, channel: Channel): string {
  const key = `broadcast-${broadcastId}-customer-${customerId}`;
  return channel === 'sms' ? key : `${key}-${channel}`;
}

/** Order-independent: the same text to the same customers is the same broadcast, however the ids are listed. */
export function broadcastRequestHash(request: BroadcastRequest): string {
  const recipients = [...request.customerIds].sort((a, b) => a - b);
  return createHash('sha256').update(JSON.stringify({ text: request.text, recipients })).digest('hex');
}

/**
 * Sends staff's text to every customer listed, through each channel they take, now when they are
 * inside their window and else scheduled for its start (DESIGN.md, Contact windows). Every entry
 * is logged before anything is queued, in chunks, and the broadcast's row records the counts
 * last: a repeat of a finished broadcast answers its counts and does nothing; a repeat after a
 * crash logs what is missing (existing entries keep their state) and queues again, which the keys
 * make harmless. A customer subscribed to nothing, without an address, or whose hours never meet
 * the business's, gets a `skipped` entry and counts as skipped.
 */
export async function sendBroadcast(deps: BroadcastDeps, request: BroadcastRequest): Promise<BroadcastResult> {
  const customers = await readCustomers(deps, request.customerIds);
  const unknown = request.customerIds.filter((id) => !customers.has(id));
  if (unknown.length > 0) return { outcome: 'unknown-customers', customerIds: unknown };

  const requestHash = broadcastRequestHash(request);
  const now = deps.clock.now();
  const started = await deps.broadcasts.start({ broadcastId: request.broadcastId, requestHash, recipients: request.customerIds.length, createdAt: now });
  if (started.outcome === 'exists') {
    const { broadcast } = started;
    if (broadcast.requestHash !== requestHash) {
      return { outcome: 'conflict', detail: `broadcast ${request.broadcastId} was already sent with another text or other recipients` };
    }
    if (broadcast.counts) return { outcome: 'accepted', broadcastId: request.broadcastId, counts: broadcast.counts };
  }

  const counts: BroadcastCounts = { recipients: request.customerIds.length, sendingNow: 0, scheduled: 0, skipped: 0 };
  const registrations: NotificationRegistration[] = [];
  const messages: OutboundNotification[] = [];
  for (const id of request.customerIds) {
    const plan = planRecipient(deps, request, customers.get(id)!, now);
    counts[plan.outcome] += 1;
    registrations.push(...plan.registrations);
    messages.push(...plan.messages);
  }
  for (let i = 0; i < registrations.length; i += CHUNK) await deps.outbox.register(registrations.slice(i, i + CHUNK));
  await deps.outbox.enqueue(messages);
  await deps.broadcasts.complete(request.broadcastId, counts, now);
  deps.logger.info('broadcast queued', { broadcastId: request.broadcastId, ...counts });
  return { outcome: 'accepted', broadcastId: request.broadcastId, counts };
}

async function readCustomers(deps: BroadcastDeps, ids: readonly number[]): Promise<Map<number, CustomerProfile>> {
  const found = new Map<number, CustomerProfile>();
  for (let i = 0; i < ids.length; i += CHUNK) for (const customer of await deps.customers.getMany(ids.slice(i, i + CHUNK))) found.set(customer.customerId, customer);
  return found;
}

interface RecipientPlan {
  outcome: 'sendingNow' | 'scheduled' | 'skipped';
  registrations: NotificationRegistration[];
  messages: OutboundNotification[];
}

/** One customer's entries and messages: one per channel they take, due now or at the start of their next window. */
function planRecipient(deps: BroadcastDeps, request: BroadcastRequest, customer: CustomerProfile, now: Date): RecipientPlan {
  const announcement: Announcement = {
    event: 'broadcast',
    jobId: null,
    customer,
    key: (channel) => broadcastKey(request.broadcastId, customer.customerId, channel),
    content: (channel) => broadcastContent(channel, request.text),
  };
  const skipped = (channel: Channel | null, reason: NotificationRegistration['reason'], detail: string) => skippedRegistration(announcement, channel, reason, detail);
  if (customer.subscriptions.length === 0) {
    return { outcome: 'skipped', registrations: [skipped(null, 'not-subscribed', 'the customer is subscribed to no channel')], messages: [] };
  }
  const window = nextSendTime(deps.calendar, customer, now);
  if (!window.ok) return { outcome: 'skipped', registrations: [skipped(null, 'no-contact-window', window.detail)], messages: [] };

  const plan: RecipientPlan = { outcome: 'skipped', registrations: [], messages: [] };
  for (const { channel } of customer.subscriptions) {
    const message = messageThrough(announcement, channel);
    if ('reason' in message) {
      plan.registrations.push(skipped(channel, 'no-address', message.reason));
      continue;
    }
    const registration = deps.outbox.registration(message.body);
    if (window.immediate) {
      plan.outcome = 'sendingNow';
      plan.registrations.push(registration);
      plan.messages.push(message);
    } else {
      plan.outcome = 'scheduled';
      plan.registrations.push({ ...registration, state: 'scheduled', scheduledFor: window.sendAt });
      plan.messages.push({ ...message, messageId: scheduledMessageId(message.messageId, window.sendAt), scheduledAt: window.sendAt });
    }
  }
  return plan;
}
