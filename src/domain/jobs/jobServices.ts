import type { Customers } from '../customers/ports.js';
import { createNotifier, type Notifier, type NotifierPorts } from '../notifications/notifier.js';
import type { NotificationQueries, SettlementListener } from '../notifications/ports.js';
import type { NotificationRepairTimings } from '../notifications/repair.js';
import { allListeners } from '../notifications/settlement.js';
import type { MessageStats } from '../stats/ports.js';
import { SentMessageCounter } from '../stats/sentMessages.js';
import { JobProgress } from './jobProgress.js';
import type { PollDeps, PollSettings } from './pollClientJobs.js';
import type { Payments } from '../payments/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import { closureOf, PaidJobsClosure, type Closure } from './closure.js';
import { mirrorClientStatuses, type MirrorReport, type MirrorSlice } from './mirrorClientStatuses.js';
import { ClientStatusRecord, CompletedJobsClosing, OwnSteps } from './mirrorSteps.js';
import { JobIngestion, NewJobs } from './newJobs.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransactions, PollCheckpoints } from './ports.js';
import { JobStatusMoves } from './statusEvents.js';

export interface JobServicesPorts {
  clientJobs: ClientJobs;
  documents: JobDocuments;
  transactions: JobTransactions;
  tracking: JobTracking;
  customers: Pick<Customers, 'findOrCreateByMobiles' | 'linkJobs'>;
  payments: Pick<Payments, 'paidJobs'>;
  notificationLog: Pick<NotificationQueries, 'forJobs'>;
  clock: Clock;
  logger: Logger;
}

/** The jobs area's collaborators, built once per worker from its ports, the notifier and the job's progress. */
export interface JobServices {
  closure: Closure;
  paidClosure: PaidJobsClosure;
  statusMoves: JobStatusMoves;
  newJobs: NewJobs;
  mirror: (slice: MirrorSlice) => Promise<MirrorReport>;
}

/** `onSettled`: every listener of settled notifications (the job's progress, the statistics), told again of one a crash kept from them. */
export function createJobServices(ports: JobServicesPorts, notifier: Pick<Notifier, 'announcer' | 'repair'>, onSettled: SettlementListener): JobServices {
  const { clientJobs, documents, transactions, tracking, customers, payments, notificationLog, clock, logger } = ports;
  const { announcer, repair } = notifier;
  const closure = closureOf({ clientJobs, notificationLog, transactions, onSettled, announcer, clock });
  const paidClosure = new PaidJobsClosure({ payments, closure });
  const statusMoves = new JobStatusMoves({ announcer, tracking, clock });
  const ingestion = new JobIngestion({ customers, documents, transactions, tracking, announcer, clock });
  const mirrorDeps = {
    tracking,
    clientJobs,
    ownSteps: new OwnSteps({ notificationLog, onSettled }),
    record: new ClientStatusRecord({ documents, transactions, tracking, clock, logger }),
    statusMoves,
    closing: new CompletedJobsClosing({ notificationLog, repair, paidClosure }),
  };
  return {
    closure,
    paidClosure,
    statusMoves,
    newJobs: new NewJobs({ notificationLog, documents, ingestion, repair }),
    mirror: (slice) => mirrorClientStatuses(mirrorDeps, slice),
  };
}

/** What the jobs area is wired from (by its module, or a test's world): the ports of its collaborators together, never handed to a use case. */
export type JobsAreaPorts = JobServicesPorts & NotifierPorts & { stats: MessageStats };

/** Everything a job's life needs, wired once from the ports: the job's progress, the listeners of settling notifications, the notifier, the jobs area's collaborators. */
export interface JobsArea extends JobServices {
  progress: JobProgress;
  /** What hears of settled notifications: the job moves on, then the statistics count it. */
  onSettled: SettlementListener;
  notifier: Notifier;
}

export function wireJobsArea(ports: JobsAreaPorts, timings: NotificationRepairTimings): JobsArea {
  const progress = new JobProgress(ports);
  const onSettled = allListeners(progress, new SentMessageCounter(ports));
  const notifier = createNotifier(ports, onSettled, timings);
  return { progress, onSettled, notifier, ...createJobServices(ports, notifier, onSettled) };
}

/** The poll's collaborators out of the area. */
export function pollDepsOf(area: JobsArea, ports: { checkpoints: PollCheckpoints; clientJobs: PollDeps['clientJobs']; clock: Clock }, settings: PollSettings): PollDeps {
  return { checkpoints: ports.checkpoints, clientJobs: ports.clientJobs, newJobs: area.newJobs, mirror: area.mirror, repair: area.notifier.repair, clock: ports.clock, settings };
}
