import type { Customers } from '../customers/ports.js';
import type { Clock, PhoneKeys } from '../shared/ports.js';
import { JobEventOutbox } from './jobEvents.js';
import { Outbox } from './outbox.js';
import type { AnnouncedJobs, NotificationQueue, OutboxLog, SettlementListener, TrackingLinks } from './ports.js';
import { NotificationRepair, type NotificationRepairTimings } from './repair.js';

/**
 * What the notifier is wired from (a part of the jobs area's wiring input, JobsAreaPorts): read only
 * by createNotifier, never handed to a use case; each collaborator it builds takes six ports at most.
 */
export interface NotifierPorts {
  notificationLog: OutboxLog;
  queue: NotificationQueue;
  phoneKeys: PhoneKeys;
  customers: Pick<Customers, 'getMany' | 'customersForJobs' | 'findOrCreateByMobiles' | 'linkJobs'>;
  /** The client's jobs, whose words a requeued job event is written from again. */
  clientJobs: AnnouncedJobs;
  /** The customer page's links (issue 25) every job message carries. */
  trackingLinks: TrackingLinks;
  clock: Clock;
}

/** The notification pipeline's way in, as other areas use it: built once per worker. */
export interface Notifier {
  outbox: Outbox;
  /** The job events, for the jobs area. */
  announcer: JobEventOutbox;
  /** Finishes what a crash left half-way; the poll runs it. */
  repair: NotificationRepair;
}

/** `onSettled` hears of every notification that settles as it is logged or repaired (the jobs area, the statistics). */
export function createNotifier(ports: NotifierPorts, onSettled: SettlementListener, timings: NotificationRepairTimings): Notifier {
  const { customers, trackingLinks, clock } = ports;
  const outbox = new Outbox({ log: ports.notificationLog, queue: ports.queue, phoneKeys: ports.phoneKeys, onSettled, clock });
  const jobs = { clientJobs: ports.clientJobs, trackingLinks };
  return {
    outbox,
    announcer: new JobEventOutbox({ outbox, customers, trackingLinks, clock }),
    repair: new NotificationRepair({ log: ports.notificationLog, outbox, jobs, customers, onSettled, clock }, timings),
  };
}
