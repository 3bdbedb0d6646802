import { describeNotificationOutcome } from '../notifications/labels.js';
import { isJobNotification, type JobNotificationEntry, type NotificationEntry, type ReceiptListener, type ReceiptReport, type SettlementListener } from '../notifications/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import { statusEventKey, type JobDocument } from './job.js';
import { isJobStatus, statusRank } from './jobStatus.js';
import { EVENT_STEPS, withDeliverySummary, withNotificationOutcome, type Move } from './notificationSummaries.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransactions } from './ports.js';

export interface JobProgressPorts {
  clientJobs: Pick<ClientJobs, 'moveStatuses' | 'readJobs'>;
  documents: Pick<JobDocuments, 'update' | 'updateMany'>;
  transactions: Pick<JobTransactions, 'append'>;
  tracking: Pick<JobTracking, 'advanceMany'>;
  clock: Clock;
  logger: Logger;
}

/**
 * How a job reacts to what its notifications report: once a notification has a final outcome,
 * the job moves on (OPENED after the courtesy message, CLOSED after the feedback request) in the
 * client table, Cosmos, job_trans and our tracking of open jobs; a delivery receipt shows on the
 * job's document and history. Built once per worker and handed to notifications as their
 * listener. Every step is idempotent, so a redelivery or the next poll can report the same
 * notification again after a crash at any point.
 */
export class JobProgress implements SettlementListener, ReceiptListener {
  constructor(private readonly ports: JobProgressPorts) {}

  /**
   * Many settled notifications at once, each step one call for them all: one job_trans append of
   * the notification rows, one conditional client update per event, bulk Cosmos updates, one
   * append of the STATUS rows and one tracking update per event. The job moves on with the first
   * of its event's notifications to settle; the others add their own rows. A message of no job (a
   * broadcast, an auto-reply) is none of the jobs' business (message statistics count it).
   */
  async settled(settled: readonly NotificationEntry[]): Promise<void> {
    const { ports } = this;
    const entries = [...new Map(settled.map((entry) => [entry.messageKey, entry])).values()].filter(isJobNotification);
    if (entries.length === 0) return;
    const now = ports.clock.now();
    const notes = new Map(entries.map((entry) => [entry.messageKey, describeNotificationOutcome(entry)]));
    const noteOf = (entry: NotificationEntry) => notes.get(entry.messageKey)!;
    // The notification rows come before the client update: a crash right after the client moved can
    // no longer leave a job without its notification history (status mirroring finishes the rest as our move).
    await ports.transactions.append(
      entries.map((entry) => ({
        jobId: entry.jobId,
        status: EVENT_STEPS[entry.kind].status,
        note: noteOf(entry),
        event: 'NOTIFY' as const,
        eventKey: `${entry.messageKey}-${entry.state}`,
        at: now,
      })),
    );
    const reached = await this.moveClientJobs(entries);

    const changes = new Map<number, (doc: JobDocument) => JobDocument>();
    for (const entry of entries) {
      const earlier = changes.get(entry.jobId) ?? ((doc: JobDocument) => doc);
      const change = (doc: JobDocument) => withNotificationOutcome(doc, entry, noteOf(entry), reached.has(entry), now);
      changes.set(entry.jobId, (doc) => change(earlier(doc)));
    }
    const moved = entries.filter((entry) => reached.has(entry));
    const statusRows = [...new Map(moved.map((entry) => [entry.jobId, entry])).values()].map((entry) => {
      const { to } = EVENT_STEPS[entry.kind].move!;
      return { jobId: entry.jobId, status: to, note: `Job ${to.toLowerCase()}: ${noteOf(entry)}`, event: 'STATUS' as const, eventKey: statusEventKey(entry.jobId, to), at: now };
    });
    // The documents and the STATUS rows need only the client move before them and the tracking
    // update after them (once tracking has moved, status mirroring no longer finishes the job), so
    // they are written side by side; both are settled before anything is reported.
    const written = await Promise.allSettled([ports.documents.updateMany(changes), statusRows.length > 0 ? ports.transactions.append(statusRows) : undefined]);
    const failure = written.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    for (const [move, group] of byMove(moved)) await ports.tracking.advanceMany(group.map((entry) => entry.jobId), move.from, move.to, now);
  }

  /** The receipt on the job document's summary of that notification, and one job_trans row per distinct receipt. */
  async receiptRecorded({ entry, note, eventKey, at }: ReceiptReport): Promise<void> {
    const doc = await this.ports.documents.update(entry.jobId, (current) => withDeliverySummary(current, entry, at));
    await this.ports.transactions.append([{ jobId: entry.jobId, status: doc?.job_status ?? EVENT_STEPS[entry.kind].status, note, event: 'NOTIFY', eventKey, at }]);
  }

  /** The entries whose job reached its event's target in the client table, by us now or before. */
  private async moveClientJobs(entries: readonly JobNotificationEntry[]): Promise<Set<NotificationEntry>> {
    const { clientJobs, logger } = this.ports;
    const reached = new Set<NotificationEntry>();
    for (const [move, group] of byMove(entries)) {
      const jobIds = [...new Set(group.map((entry) => entry.jobId))];
      const atTarget = await clientJobs.moveStatuses(jobIds, move.from, move.to);
      const rest = jobIds.filter((jobId) => !atTarget.has(jobId));
      const current = new Map<number, string | null>(rest.length === 0 ? [] : (await clientJobs.readJobs(rest)).map((job) => [job.jobId, job.status]));
      for (const entry of group) {
        const status = atTarget.has(entry.jobId) ? move.to : (current.get(entry.jobId) ?? null);
        if (status !== null && isJobStatus(status) && statusRank(status) >= statusRank(move.to)) {
          reached.add(entry);
        } else {
          logger.warn('client job not moved after its notification: its status changed under us', { jobId: entry.jobId, expected: move.from, found: status ?? 'job missing' });
        }
      }
    }
    return reached;
  }
}

/** The entries of events that move their job, grouped by that move. */
function byMove(entries: readonly JobNotificationEntry[]): Map<Move, JobNotificationEntry[]> {
  const groups = new Map<Move, JobNotificationEntry[]>();
  for (const entry of entries) {
    const move = EVENT_STEPS[entry.kind].move;
    if (move) groups.set(move, [...(groups.get(move) ?? []), entry]);
  }
  return groups;
}
