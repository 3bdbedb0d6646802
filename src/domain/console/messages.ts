import type { Channel } from '../channels/ports.js';
import type { Customers } from '../customers/ports.js';
import type { ClientJobs } from '../jobs/ports.js';
import { messageThrough, type Outbox } from '../notifications/outbox.js';
import type { DeliveryRecords, NotificationEntryWithDelivery } from '../notifications/ports.js';
import { isJobEvent, jobNotificationContent, settledContent, type NotificationContent } from '../notifications/texts.js';
import { err, ok, okValue, refuse, type Result, type Value } from '../shared/result.js';
import { resolveInterval } from '../stats/statsInterval.js';
import { decodeCursor, pageOf, readTimeKey, type Page } from './cursor.js';
import { consoleOutcome } from './outcomes.js';
import type { ConsoleMessages, ConsoleOutcome, ListedMessage, MessageListQuery } from './ports.js';

export interface MessageListRequest {
  outcome?: ConsoleOutcome;
  channel?: Channel;
  gateway?: string;
  customerId?: number;
  jobId?: number;
  /** YYYY-MM-DD in the shop's zone, both days included. */
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** GET /api/staff/messages: the delivery log across jobs, newest first, one key range per page. */
export async function listConsoleMessages(deps: { messages: ConsoleMessages; timezone: string }, request: MessageListRequest): Promise<Result<Value<Page<ListedMessage>>>> {
  const { cursor, from, to, ...filters } = request;
  const before = cursor === undefined ? undefined : decodeCursor(cursor, readTimeKey);
  if (cursor !== undefined && before === undefined) return refuse('cursor is not one this list gave out; start again without it');
  const query: MessageListQuery = { ...filters, ...(before ? { before: { createdAt: before.at, key: before.id } } : {}) };
  if (from !== undefined || to !== undefined) {
    const days = resolveInterval(from ?? to!, to ?? from!, deps.timezone);
    if (!days.ok) return refuse(days.detail);
    if (from !== undefined) query.from = days.start;
    if (to !== undefined) query.to = days.end;
  }
  return okValue(pageOf(await deps.messages.list(query), (last) => [last.createdAt.toISOString(), last.messageKey]));
}

export interface ResendDeps {
  notificationLog: Pick<DeliveryRecords, 'getWithDelivery'>;
  /** The one pipeline's way in: logged, then queued. */
  outbox: Pick<Outbox, 'sendOne'>;
  customers: Pick<Customers, 'getMany'>;
  clientJobs: Pick<ClientJobs, 'readJobs'>;
  messages: Pick<ConsoleMessages, 'resendsOf'>;
}

export type ResendRefusal = { outcome: 'not-found' | 'conflict' | 'unreachable'; detail: string };

const RESEND_SUFFIX = /-resend-(\d+)$/;
const MAX_KEY_LENGTH = 191;

/** The words to send again: those kept, or a job event's written again from the client job; never words the log masked. */
async function wordsOf(deps: Pick<ResendDeps, 'clientJobs'>, entry: NotificationEntryWithDelivery, channel: Channel): Promise<NotificationContent | undefined> {
  if (entry.content) return settledContent(entry.kind, entry.content) ? undefined : entry.content;
  if (!isJobEvent(entry.kind) || entry.jobId === null) return undefined;
  const [job] = await deps.clientJobs.readJobs([entry.jobId]);
  return job && jobNotificationContent(entry.kind, channel, job);
}

/**
 * Sends a failed or skipped message again as a new notification (`<key>-resend-<n>`) through the
 * one pipeline (log, queue, contact windows, failover, statistics). Refused while an earlier
 * resend of it waits or once one was sent: the customer never gets a second copy, and a double
 * click sends once.
 */
export async function resendMessage(deps: ResendDeps, notificationId: string): Promise<Result<{ notificationId: string; jobId: number | null }, ResendRefusal>> {
  const entry = await deps.notificationLog.getWithDelivery(notificationId);
  if (!entry) return err({ outcome: 'not-found', detail: `notification ${notificationId} is not in the log` });
  const outcome = consoleOutcome(entry);
  if (outcome !== 'failed' && outcome !== 'skipped') return err({ outcome: 'conflict', detail: `only a failed or skipped message can be resent; ${notificationId} is ${outcome}` });
  const original = notificationId.replace(RESEND_SUFFIX, '');
  const resends = await deps.messages.resendsOf(original);
  const live = resends.find((resend) => resend.outcome !== 'failed' && resend.outcome !== 'skipped');
  if (live) return err({ outcome: 'conflict', detail: `${live.messageKey} already resends it (${live.outcome}); it is not sent twice` });
  const next = Math.max(0, ...resends.map((resend) => Number(RESEND_SUFFIX.exec(resend.messageKey)?.[1] ?? 0))) + 1;
  const key = `${original}-resend-${next}`;
  if (key.length > MAX_KEY_LENGTH) return err({ outcome: 'unreachable', detail: `${notificationId} has been resent too often to resend again` });
  if (!entry.channel) return err({ outcome: 'unreachable', detail: 'the customer takes no channel: subscribe them to one, then send it again' });
  const [customer] = entry.customerId === null ? [] : await deps.customers.getMany([entry.customerId]);
  if (!customer) return err({ outcome: 'unreachable', detail: 'the message has no customer to send it to' });
  const content = await wordsOf(deps, entry, entry.channel);
  if (!content) return err({ outcome: 'unreachable', detail: `the words of ${notificationId} are no longer kept in clear (a reward code or a broadcast), so it cannot be sent again` });
  const channel = entry.channel;
  if (!customer.subscriptions.some((subscription) => subscription.channel === channel)) {
    return err({ outcome: 'unreachable', detail: `the customer no longer takes ${channel}` });
  }
  const message = messageThrough({ event: entry.kind, jobId: entry.jobId, customer, key: () => key, content: () => content }, channel);
  if ('reason' in message) return err({ outcome: 'unreachable', detail: message.reason });
  await deps.outbox.sendOne(message.body, undefined);
  return ok({ notificationId: key, jobId: entry.jobId });
}
