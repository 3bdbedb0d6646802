import type { CustomerProfile } from '../customers/customer.js';
import type { Customers } from '../customers/ports.js';
import type { Clock } from '../shared/ports.js';
import { jobAnnouncement, legacySms } from './jobEvents.js';
import { requeuedMessageId } from './notificationMessage.js';
import { messageThrough, type Outbox } from './outbox.js';
import { FINAL_NOTIFICATION_STATES, type JobMessageSources, type NotificationEntry, type OutboundNotification, type OutboxLog, type SettlementListener, type TrackingLinks } from './ports.js';
import { isJobEvent, type AnnouncedJob } from './texts.js';

export interface NotificationRepairTimings {
  /** A `queued` notification older than this is handed to the queue again. */
  requeueAfterMs: number;
  /** A `sending` notification untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

export interface NotificationRepairPorts {
  log: Pick<OutboxLog, 'record' | 'stranded'>;
  outbox: Outbox;
  /** A job event's words are written again from the client job, with the job's customer page link. */
  jobs: JobMessageSources;
  customers: Pick<Customers, 'getMany'>;
  /** Told again of entries that settled while a crash kept their listener from hearing it. */
  onSettled: SettlementListener;
  clock: Clock;
}

/** How many stranded entries of each state one poll hands on at most; the next poll takes the rest. */
const STRANDED_BATCH = 500;

/** Finishes notifications that a crash left half-way; the poll runs it. */
export class NotificationRepair {
  constructor(
    private readonly ports: NotificationRepairPorts,
    private readonly timings: NotificationRepairTimings,
  ) {}

  /**
   * Settled but not reported (the job not moved on), stuck in `sending`, or logged but maybe never
   * queued. Returns how many it acted on.
   */
  async repair(entries: readonly NotificationEntry[]): Promise<number> {
    const { log, onSettled, clock } = this.ports;
    const { timings } = this;
    const at = clock.now();
    const now = at.getTime();
    const requeue: NotificationEntry[] = [];
    let repaired = 0;
    for (const entry of entries) {
      const age = now - entry.updatedAt.getTime();
      const overdue = entry.state === 'scheduled' && entry.scheduledFor !== null && now - entry.scheduledFor.getTime() >= timings.requeueAfterMs;
      if ((entry.state === 'queued' && age >= timings.requeueAfterMs) || overdue) {
        requeue.push(entry);
      } else if (entry.state === 'sending' && age >= timings.staleSendingMs) {
        if (await log.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted', reason: 'outcome-unknown' }, at)) {
          await onSettled.settled([{ ...entry, state: 'unknown', reason: 'outcome-unknown' }]);
          repaired += 1;
        }
      } else if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
        await onSettled.settled([entry]);
        repaired += 1;
      }
    }
    return requeue.length === 0 ? repaired : repaired + (await this.requeue(requeue));
  }

  /**
   * Notifications a crash stranded, whatever they tell of: `queued` ones the queue may never have
   * got, `sending` ones cut off mid-send and `scheduled` ones whose scheduled message was lost,
   * found by the log's open-state index.
   */
  async repairStranded(): Promise<number> {
    const now = this.ports.clock.now().getTime();
    const { requeueAfterMs, staleSendingMs } = this.timings;
    const stranded = await this.ports.log.stranded({
      queuedUntil: new Date(now - requeueAfterMs),
      sendingUntil: new Date(now - staleSendingMs),
      scheduledUntil: new Date(now - requeueAfterMs),
      limit: STRANDED_BATCH,
    });
    return stranded.length === 0 ? 0 : this.repair(stranded);
  }

  private async requeue(requeue: readonly NotificationEntry[]): Promise<number> {
    const { jobs: sources, customers: customerStore, outbox, log, clock } = this.ports;
    const jobIds = requeue.flatMap((entry) => (entry.content === null && entry.jobId !== null ? [entry.jobId] : []));
    const jobs = new Map((await sources.clientJobs.readJobs(jobIds)).map((job) => [job.jobId, job]));
    // Before the queue: a requeued job message's link always leads to its page, whether its words
    // are rebuilt here or were kept when it was logged.
    await sources.trackingLinks.remember(requeue.flatMap((entry) => (entry.jobId === null ? [] : [entry.jobId])));
    const customers = new Map((await customerStore.getMany([...new Set(requeue.flatMap((entry) => (entry.customerId === null ? [] : [entry.customerId])))])).map((c) => [c.customerId, c]));
    const handed = requeue.flatMap((entry) => {
      const customer = entry.customerId === null ? undefined : customers.get(entry.customerId);
      const message = rebuiltMessage(entry, entry.jobId === null ? undefined : jobs.get(entry.jobId), customer, sources.trackingLinks);
      // A fresh id: the queue's duplicate detection would drop the original one for hours.
      return message && !('reason' in message) ? [{ entry, message: { ...message, messageId: requeuedMessageId(entry.messageKey, entry.updatedAt) } }] : [];
    });
    await outbox.enqueue(handed.map(({ message }) => message));
    const at = clock.now();
    for (const { entry } of handed) await log.record(entry.messageKey, entry.state, { state: 'queued' }, at);
    return handed.length;
  }
}

/**
 * The queue message of a logged notification: kept words (a reward, a broadcast, an auto-reply)
 * go to the customer's address; a job event's words are written again from the client job.
 * Undefined when it cannot be rebuilt: an auto-reply to a sender who is no customer is repaired
 * by the provider resending the inbound message instead.
 */
function rebuiltMessage(entry: NotificationEntry, job: AnnouncedJob | undefined, customer: CustomerProfile | undefined, links: TrackingLinks): OutboundNotification | { reason: string } | undefined {
  const { channel, content } = entry;
  if (!channel) return undefined;
  if (content) {
    return customer && messageThrough({ event: entry.kind, jobId: entry.jobId, customer, key: () => entry.messageKey, content: () => content }, channel);
  }
  if (!job || !isJobEvent(entry.kind)) return undefined;
  const link = links.linkFor(job.jobId);
  return customer ? messageThrough(jobAnnouncement(entry.kind, job, customer, link), channel) : legacySms(entry, entry.kind, job, link);
}
