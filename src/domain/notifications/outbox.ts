import { CHANNELS, type Channel } from '../channels/ports.js';
import { destination, type CustomerProfile } from '../customers/customer.js';
import { customersForNewJobs } from '../customers/jobCustomers.js';
import type { Customers } from '../customers/ports.js';
import type { ClientJob } from '../jobs/job.js';
import type { ClientJobs } from '../jobs/ports.js';
import { maskEmail } from '../shared/email.js';
import { maskPhone, toE164 } from '../shared/phone.js';
import type { PhoneKeys } from '../shared/ports.js';
import { completeJobAfterNotification, completeJobsAfterNotifications, type CompletionDeps } from './completion.js';
import { notificationKey, requeuedMessageId, rewardKey, type NotificationMessage } from './notificationMessage.js';
import {
  FINAL_NOTIFICATION_STATES,
  type NotificationEntry,
  type NotificationLog,
  type NotificationQueue,
  type NotificationRegistration,
  type OutboundNotification,
} from './ports.js';
import { isJobEvent, jobNotificationContent, rewardNotificationContent, settledContent, type JobEvent, type NotificationContent, type NotificationEvent } from './texts.js';

/** What logging and queueing notifications needs: skipped ones are completed at once, so it takes completion's ports too. */
export interface NotificationQueueingDeps extends CompletionDeps {
  notificationLog: NotificationLog;
  queue: NotificationQueue;
  phoneKeys: PhoneKeys;
}

/** What repairing half-done notifications needs: it rebuilds messages from the client job and the customer. */
export interface NotificationRepairDeps extends CompletionDeps {
  clientJobs: ClientJobs;
  notificationLog: NotificationLog;
  queue: NotificationQueue;
  customers: Pick<Customers, 'getMany' | 'customersForJobs' | 'findOrCreateByMobiles' | 'linkJobs'>;
}

export interface NotificationOutboxDeps extends NotificationRepairDeps {
  phoneKeys: PhoneKeys;
}

export interface NotificationRepairTimings {
  /** A `queued` notification older than this is handed to the queue again. */
  requeueAfterMs: number;
  /** A `sending` notification untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

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

function jobAnnouncement(event: JobEvent, job: ClientJob, customer: CustomerProfile): Announcement {
  return {
    event,
    jobId: job.jobId,
    customer,
    key: (channel) => notificationKey(event, job.jobId, channel),
    content: (channel) => jobNotificationContent(event, channel, job),
  };
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

interface Outgoing {
  messages: OutboundNotification[];
  skipped: NotificationRegistration[];
}

/**
 * Each announcement through every channel its customer subscribes to. A customer subscribed to
 * nothing, or a channel without an address, gets a `skipped` entry instead: logged, never silently dropped.
 */
function addAnnouncement(outgoing: Outgoing, announcement: Announcement): void {
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

/** The log entries come first, so a crash before the queue is repaired; skipped entries are completed at once, so their job still moves on. */
async function logAndQueue(deps: NotificationQueueingDeps, { messages, skipped }: Outgoing): Promise<{ queued: number; skipped: number }> {
  await deps.notificationLog.register([...messages.map((m) => queuedRegistration(m.body, deps.phoneKeys)), ...skipped]);
  await deps.queue.enqueue(messages);
  if (skipped.length > 0) await completeJobsAfterNotifications(deps, await deps.notificationLog.getMany(skipped.map((entry) => entry.messageKey)));
  return { queued: messages.length, skipped: skipped.length };
}

/**
 * Logs and queues the notifications of `event` for these jobs: one per channel the job's customer
 * subscribes to. A job without a customer (no usable mobile) gets a `skipped` sms entry, as a
 * customer subscribed to nothing or a channel without an address does (addAnnouncement).
 */
export async function queueJobNotifications(
  deps: NotificationOutboxDeps,
  event: JobEvent,
  jobs: readonly ClientJob[],
  /** The jobs' customers when the caller has just found them (ingestion), so they are not read again. */
  known?: ReadonlyMap<number, number>,
): Promise<{ queued: number; skipped: number }> {
  if (jobs.length === 0) return { queued: 0, skipped: 0 };
  const customerOf = new Map(known ?? (await deps.customers.customersForJobs(jobs.map((job) => job.jobId))));
  // A job ingested before customers existed gets its customer (by its mobile) the first time it is announced.
  const unlinked = jobs.filter((job) => !customerOf.has(job.jobId));
  if (unlinked.length > 0) for (const [jobId, customerId] of await customersForNewJobs(deps, unlinked)) customerOf.set(jobId, customerId);
  const profiles = new Map((await deps.customers.getMany([...new Set(customerOf.values())])).map((c) => [c.customerId, c]));
  const outgoing: Outgoing = { messages: [], skipped: [] };
  for (const job of jobs) {
    const customer = profiles.get(customerOf.get(job.jobId) ?? 0);
    if (customer) {
      addAnnouncement(outgoing, jobAnnouncement(event, job, customer));
      continue;
    }
    const phone = toE164(job.mobile);
    outgoing.skipped.push({
      messageKey: notificationKey(event, job.jobId, 'sms'),
      jobId: job.jobId,
      customerId: null,
      kind: event,
      channel: 'sms',
      state: 'skipped',
      toMasked: maskPhone(job.mobile),
      toHash: null,
      detail: phone.ok ? 'no customer for this job' : phone.reason,
      reason: 'no-address',
    });
  }
  return logAndQueue(deps, outgoing);
}

/** A discount code a customer's feedback earned (FEEDBACK_REWARD_BRAND). */
export interface FeedbackReward {
  brandId: string;
  code: string;
  customer: CustomerProfile;
  /** The job whose feedback earned it. */
  jobId: number;
}

/**
 * Tells the customer their reward code through every channel they take, once per customer and
 * brand: if the reward was logged before (a redelivered reply, or a reply about another job), it
 * stays under the job that first earned it and nothing new is logged; only entries a crash left
 * `queued` are handed to the queue again, under their own key, which the queue's duplicate
 * detection drops if the first one got there. Returns the job the reward is logged under.
 */
export async function queueRewardNotifications(deps: NotificationQueueingDeps, reward: FeedbackReward): Promise<{ jobId: number }> {
  const { brandId, code, customer } = reward;
  const logged = await deps.notificationLog.getMany(CHANNELS.map((channel) => rewardKey(brandId, customer.customerId, channel)));
  const jobId = logged[0]?.jobId ?? reward.jobId;
  const announcement: Announcement = {
    event: 'reward-code',
    jobId,
    customer,
    key: (channel) => rewardKey(brandId, customer.customerId, channel),
    content: (channel) => rewardNotificationContent(channel, code),
  };
  if (logged.length === 0) {
    const outgoing: Outgoing = { messages: [], skipped: [] };
    addAnnouncement(outgoing, announcement);
    await logAndQueue(deps, outgoing);
  } else {
    const unsent = logged.flatMap((entry) => (entry.state === 'queued' && entry.channel ? [messageThrough(announcement, entry.channel)] : []));
    await deps.queue.enqueue(unsent.filter((message): message is OutboundNotification => !('reason' in message)));
  }
  return { jobId };
}

/**
 * Finishes notifications that a crash left half-way: settled but the job not moved on, stuck in
 * `sending`, or logged but maybe never queued. Returns how many it acted on.
 */
export async function repairNotifications(deps: NotificationRepairDeps, timings: NotificationRepairTimings, entries: readonly NotificationEntry[]): Promise<number> {
  const now = deps.clock.now().getTime();
  const requeue: NotificationEntry[] = [];
  let repaired = 0;
  for (const entry of entries) {
    const age = now - entry.updatedAt.getTime();
    const overdue = entry.state === 'scheduled' && entry.scheduledFor !== null && now - entry.scheduledFor.getTime() >= timings.requeueAfterMs;
    if ((entry.state === 'queued' && age >= timings.requeueAfterMs) || overdue) {
      requeue.push(entry);
    } else if (entry.state === 'sending' && age >= timings.staleSendingMs) {
      if (await deps.notificationLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted', reason: 'outcome-unknown' })) {
        await completeJobAfterNotification(deps, { ...entry, state: 'unknown', reason: 'outcome-unknown' });
        repaired += 1;
      }
    } else if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
      await completeJobAfterNotification(deps, entry);
      repaired += 1;
    }
  }
  if (requeue.length === 0) return repaired;
  const jobIds = requeue.flatMap((entry) => (entry.content === null && entry.jobId !== null ? [entry.jobId] : []));
  const jobs = new Map((await deps.clientJobs.readJobs(jobIds)).map((job) => [job.jobId, job]));
  const customers = new Map((await deps.customers.getMany([...new Set(requeue.flatMap((entry) => (entry.customerId === null ? [] : [entry.customerId])))])).map((c) => [c.customerId, c]));
  const handed = requeue.flatMap((entry) => {
    const customer = entry.customerId === null ? undefined : customers.get(entry.customerId);
    const message = rebuiltMessage(entry, entry.jobId === null ? undefined : jobs.get(entry.jobId), customer);
    // A fresh id: the queue's duplicate detection would drop the original one for hours.
    return message && !('reason' in message) ? [{ entry, message: { ...message, messageId: requeuedMessageId(entry.messageKey, entry.updatedAt) } }] : [];
  });
  await deps.queue.enqueue(handed.map(({ message }) => message));
  for (const { entry } of handed) await deps.notificationLog.record(entry.messageKey, entry.state, { state: 'queued' });
  return repaired + handed.length;
}

/** How many stranded entries of each state one poll hands on at most; the next poll takes the rest. */
const STRANDED_BATCH = 500;

/**
 * Notifications a crash stranded, whatever they tell of: `queued` ones the queue may never have
 * got, `sending` ones cut off mid-send and `scheduled` ones whose scheduled message was lost,
 * found by the log's open-state index and finished by repairNotifications.
 */
export async function repairStrandedNotifications(deps: NotificationRepairDeps, timings: NotificationRepairTimings): Promise<number> {
  const now = deps.clock.now().getTime();
  const stranded = await deps.notificationLog.stranded({
    queuedUntil: new Date(now - timings.requeueAfterMs),
    sendingUntil: new Date(now - timings.staleSendingMs),
    scheduledUntil: new Date(now - timings.requeueAfterMs),
    limit: STRANDED_BATCH,
  });
  return stranded.length === 0 ? 0 : repairNotifications(deps, timings, stranded);
}

/**
 * The queue message of a logged notification: kept words (a reward, a broadcast, an auto-reply)
 * go to the customer's address; a job event's words are written again from the client job.
 * Undefined when it cannot be rebuilt: an auto-reply to a sender who is no customer is repaired
 * by Vonage resending the inbound message instead.
 */
function rebuiltMessage(entry: NotificationEntry, job: ClientJob | undefined, customer: CustomerProfile | undefined): OutboundNotification | { reason: string } | undefined {
  const { channel, content } = entry;
  if (!channel) return undefined;
  if (content) {
    return customer && messageThrough({ event: entry.kind, jobId: entry.jobId, customer, key: () => entry.messageKey, content: () => content }, channel);
  }
  if (!job || !isJobEvent(entry.kind)) return undefined;
  return customer ? messageThrough(jobAnnouncement(entry.kind, job, customer), channel) : legacySms(entry, entry.kind, job);
}

/** An SMS logged before customers existed has none: it goes to the job's own mobile, as it would have then. */
function legacySms(entry: NotificationEntry, event: JobEvent, job: ClientJob): OutboundNotification | undefined {
  const phone = toE164(job.mobile);
  if (entry.channel !== 'sms' || !phone.ok) return undefined;
  return {
    messageId: entry.messageKey,
    body: { notificationId: entry.messageKey, channel: 'sms', event, jobId: job.jobId, customerId: null, to: phone.e164, ...jobNotificationContent(event, 'sms', job) },
  };
}
