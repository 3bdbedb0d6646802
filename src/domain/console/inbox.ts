import type { Customers } from '../customers/ports.js';
import type { InboxMessage, InboxStatus } from '../inbox/ports.js';
import type { Outbox } from '../notifications/outbox.js';
import type { NotificationMessage } from '../notifications/notificationMessage.js';
import { isServedMobile } from '../shared/phone.js';
import type { Clock } from '../shared/ports.js';
import { err, ok, okValue, refuse, type Result, type Value } from '../shared/result.js';
import { decodeCursor, pageOf, readTimeKey, type Page } from './cursor.js';
import type { ConsoleInbox, ConsoleJobs, ListedCustomer } from './ports.js';

export interface ConsoleInboxMessage extends InboxMessage {
  customer: ListedCustomer | null;
  openJobs: Array<{ jobId: number; status: string }>;
}

export interface InboxListDeps {
  inbox: Pick<ConsoleInbox, 'page'>;
  jobs: Pick<ConsoleJobs, 'openJobsOf'>;
  customers: Pick<Customers, 'getMany'>;
}

/** The messages with their customers (name, last digits of the mobile) and those customers' open jobs. */
export async function withCustomers(deps: Omit<InboxListDeps, 'inbox'>, messages: readonly InboxMessage[]): Promise<ConsoleInboxMessage[]> {
  const customerIds = [...new Set(messages.flatMap((message) => (message.customerId === null ? [] : [message.customerId])))];
  const [profiles, openJobs] = await Promise.all([deps.customers.getMany(customerIds), deps.jobs.openJobsOf(customerIds)]);
  const customers = new Map(profiles.map((profile) => [profile.customerId, profile]));
  return messages.map((message): ConsoleInboxMessage => {
    const profile = message.customerId === null ? undefined : customers.get(message.customerId);
    return {
      ...message,
      customer: profile ? { customerId: profile.customerId, name: profile.name, mobileLast4: profile.mobile?.slice(-4) ?? null } : null,
      openJobs: message.customerId === null ? [] : (openJobs.get(message.customerId) ?? []),
    };
  });
}

/** GET /api/staff/inbox: pending or handled messages newest first, each with its customer and their open jobs. */
export async function listConsoleInbox(deps: InboxListDeps, request: { status: InboxStatus; cursor?: string; limit: number }): Promise<Result<Value<Page<ConsoleInboxMessage>>>> {
  const before = request.cursor === undefined ? undefined : decodeCursor(request.cursor, readTimeKey);
  if (request.cursor !== undefined && before === undefined) return refuse('cursor is not one this list gave out; start again without it');
  const slice = await deps.inbox.page({ status: request.status, limit: request.limit, ...(before ? { before: { receivedAt: before.at, messageId: before.id } } : {}) });
  const items = await withCustomers(deps, slice.items);
  return okValue(pageOf({ items, more: slice.more }, (last) => [last.receivedAt.toISOString(), last.messageId]));
}

export interface ReplyDeps {
  inbox: Pick<ConsoleInbox, 'get'>;
  /** The one pipeline's way in: logged, then queued. */
  outbox: Pick<Outbox, 'sendOne'>;
  clock: Clock;
  /** AUTO_REPLY_COUNTRY_CODES: a reply, like the auto-reply, goes only to a mobile of a country the business serves. */
  countryCodes: readonly string[];
}

export type ReplyRefusal = { outcome: 'not-found' | 'unreachable'; detail: string };

export interface QueuedReply {
  notificationId: string;
  channel: InboxMessage['channel'];
  sendsAt: Date;
  /** The message's job, for the audit row. */
  jobId: number | null;
}

/** FNV-1a of the text, so the same words to the same message are one notification (a double click sends once). */
function textKey(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/**
 * Staff's reply to a customer's message, on the channel they wrote on, through the one pipeline
 * (log, queue, failover, statistics). It answers a message the customer sent, so contact hours do
 * not hold it (the pipeline sends `staff-reply` at once, as it does the auto-reply).
 */
export async function replyToInboxMessage(deps: ReplyDeps, messageId: string, text: string): Promise<Result<QueuedReply, ReplyRefusal>> {
  const message = await deps.inbox.get(messageId);
  if (!message) return err({ outcome: 'not-found', detail: `inbox message ${messageId} is not known to Repair Relay` });
  if (!/^\+[1-9]\d{6,14}$/.test(message.from)) return err({ outcome: 'unreachable', detail: 'the sender wrote from a name, not a number, so they cannot be answered' });
  if (!isServedMobile(message.from, deps.countryCodes)) {
    return err({ outcome: 'unreachable', detail: 'the sender is not on a mobile of a country the business serves (AUTO_REPLY_COUNTRY_CODES), so no reply is sent' });
  }
  const notificationId = `reply-${messageId}-${textKey(text)}`;
  const reply: NotificationMessage = { notificationId, channel: message.channel, event: 'staff-reply', jobId: null, customerId: message.customerId, to: message.from, text };
  await deps.outbox.sendOne(reply, undefined);
  return ok({ notificationId, channel: message.channel, sendsAt: deps.clock.now(), jobId: message.jobId });
}
