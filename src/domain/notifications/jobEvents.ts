import { CHANNELS } from '../channels/ports.js';
import type { CustomerProfile } from '../customers/customer.js';
import { customersForNewJobs } from '../customers/jobCustomers.js';
import type { Customers } from '../customers/ports.js';
import { maskPhone, toE164 } from '../shared/phone.js';
import { notificationKey, rewardKey } from './notificationMessage.js';
import { addAnnouncement, messageThrough, type Announcement, type Outbox, type Outgoing } from './outbox.js';
import type { Clock } from '../shared/ports.js';
import type { NotificationEntry, OutboundNotification } from './ports.js';
import { jobNotificationContent, rewardNotificationContent, type AnnouncedJob, type JobEvent, type JobFacts } from './texts.js';

export function jobAnnouncement(event: JobEvent, job: JobFacts, customer: CustomerProfile): Announcement {
  return {
    event,
    jobId: job.jobId,
    customer,
    key: (channel) => notificationKey(event, job.jobId, channel),
    content: (channel) => jobNotificationContent(event, channel, job),
  };
}

/** An SMS logged before customers existed has none: it goes to the job's own mobile, as it would have then. */
export function legacySms(entry: NotificationEntry, event: JobEvent, job: AnnouncedJob): OutboundNotification | undefined {
  const phone = toE164(job.mobile);
  if (entry.channel !== 'sms' || !phone.ok) return undefined;
  return {
    messageId: entry.messageKey,
    body: { notificationId: entry.messageKey, channel: 'sms', event, jobId: job.jobId, customerId: null, to: phone.e164, ...jobNotificationContent(event, 'sms', job) },
  };
}

export interface JobEventOutboxPorts {
  outbox: Outbox;
  customers: Pick<Customers, 'getMany' | 'customersForJobs' | 'findOrCreateByMobiles' | 'linkJobs'>;
  clock: Clock;
}

/** How the jobs area tells customers of their jobs: the job events through the outbox. */
export interface JobEventAnnouncer {
  /**
   * Logs and queues the notifications of `event` for these jobs, one per channel the job's
   * customer takes; `known`: the jobs' customers when the caller has just found them (ingestion).
   */
  announce(event: JobEvent, jobs: readonly AnnouncedJob[], known?: ReadonlyMap<number, number>): Promise<{ queued: number; skipped: number }>;
}

/**
 * The job events through the outbox. A job without a customer (no usable mobile) gets a `skipped`
 * sms entry, as a customer subscribed to nothing or a channel without an address does (addAnnouncement).
 */
export class JobEventOutbox implements JobEventAnnouncer {
  constructor(private readonly ports: JobEventOutboxPorts) {}

  async announce(event: JobEvent, jobs: readonly AnnouncedJob[], known?: ReadonlyMap<number, number>): Promise<{ queued: number; skipped: number }> {
    if (jobs.length === 0) return { queued: 0, skipped: 0 };
    const { customers, outbox } = this.ports;
    const customerOf = new Map(known ?? (await customers.customersForJobs(jobs.map((job) => job.jobId))));
    // A job ingested before customers existed gets its customer (by its mobile) the first time it is announced.
    const unlinked = jobs.filter((job) => !customerOf.has(job.jobId));
    if (unlinked.length > 0) for (const [jobId, customerId] of await customersForNewJobs(this.ports, unlinked)) customerOf.set(jobId, customerId);
    const profiles = new Map((await customers.getMany([...new Set(customerOf.values())])).map((c) => [c.customerId, c]));
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
    return outbox.send(outgoing);
  }
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
export async function queueRewardNotifications(outbox: Outbox, reward: FeedbackReward): Promise<{ jobId: number }> {
  const { brandId, code, customer } = reward;
  const logged = await outbox.logged(CHANNELS.map((channel) => rewardKey(brandId, customer.customerId, channel)));
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
    await outbox.send(outgoing);
  } else {
    const unsent = logged.flatMap((entry) => (entry.state === 'queued' && entry.channel ? [messageThrough(announcement, entry.channel)] : []));
    await outbox.enqueue(unsent.filter((message): message is OutboundNotification => !('reason' in message)));
  }
  return { jobId };
}
