import { FINAL_NOTIFICATION_STATES, type JobNotificationEntry, type NotificationQueries, type SettlementListener } from '../notifications/ports.js';
import type { NotificationRepair } from '../notifications/repair.js';
import type { JobBoundEvent } from '../notifications/texts.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { PaidJobsClosure } from './closure.js';
import { statusEventKey, withStatusAtLeast, type ClientJob } from './job.js';
import type { JobStatus } from './jobStatus.js';
import { EVENT_STEPS } from './notificationSummaries.js';
import type { JobDocuments, JobTracking, JobTransactions, TrackedJob } from './ports.js';

/* The collaborators of status mirroring (mirrorClientStatuses), each over the few ports its step writes. */

/** How a job the client system no longer has is flagged. */
export const MISSING_JOB = '(job missing)';

/** Our own steps (OPENED after the courtesy message, CLOSED after the feedback request), found by their settled notification. */
export class OwnSteps {
  constructor(private readonly ports: { notificationLog: Pick<NotificationQueries, 'forJobs'>; onSettled: SettlementListener }) {}

  /** The settled notification whose step starts at each job's tracked status (NEW: courtesy, JOB COMPLETED: feedback). */
  async settledOf(moved: readonly TrackedJob[]): Promise<Map<number, JobNotificationEntry>> {
    const settled = new Map<number, JobNotificationEntry>();
    for (const [event, step] of Object.entries(EVENT_STEPS) as Array<[JobBoundEvent, (typeof EVENT_STEPS)[JobBoundEvent]]>) {
      const from = step.move?.from;
      const jobIds = moved.filter((t) => t.lastStatus === from).map((t) => t.jobId);
      if (jobIds.length === 0) continue;
      for (const entry of await this.ports.notificationLog.forJobs(jobIds, event)) {
        if (FINAL_NOTIFICATION_STATES.includes(entry.state)) settled.set(entry.jobId, entry);
      }
    }
    return settled;
  }

  /** Finishes the step a crash cut short after the client update, as ours: its notification is reported settled again. */
  async finish(entry: JobNotificationEntry): Promise<void> {
    await this.ports.onSettled.settled([entry]);
  }
}

export interface ClientStatusRecordPorts {
  documents: Pick<JobDocuments, 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  tracking: Pick<JobTracking, 'flag'>;
  clock: Clock;
  logger: Logger;
}

/** What the client system did to a job, on the job's document and in its history. */
export class ClientStatusRecord {
  constructor(private readonly ports: ClientStatusRecordPorts) {}

  /** A forward move, mirrored. */
  async applied(entry: TrackedJob, status: JobStatus): Promise<void> {
    const { documents, transactions, clock } = this.ports;
    const now = clock.now();
    await documents.update(entry.jobId, (doc) => withStatusAtLeast(doc, status, now));
    await transactions.append([
      { jobId: entry.jobId, status, note: `Client system moved the job from ${entry.lastStatus} to ${status}`, event: 'STATUS', eventKey: statusEventKey(entry.jobId, status), at: now },
    ]);
  }

  /** A backward or unknown status, or a job gone: flagged once, never applied. */
  async refused(entry: TrackedJob, job: ClientJob | undefined): Promise<void> {
    const { documents, transactions, tracking, clock, logger } = this.ports;
    const now = clock.now();
    const observed = job ? job.status : null;
    const label = job ? (observed ?? '(empty)') : MISSING_JOB;
    const note = job
      ? `Client system set status "${label}" after ${entry.lastStatus}; not mirrored, statuses only move forward`
      : `Job no longer in the client system (last seen ${entry.lastStatus}); not mirrored`;
    logger.warn('client status not mirrored', { jobId: entry.jobId, from: entry.lastStatus, observed: label });
    await documents.update(entry.jobId, (doc) => ({
      ...doc,
      flags: [...(doc.flags ?? []), { status: observed, from: entry.lastStatus, at: now.toISOString() }],
      updated_at: now.toISOString(),
    }));
    await transactions.append([
      { jobId: entry.jobId, status: entry.lastStatus, note, event: 'FLAG', eventKey: `job-${entry.jobId}-flag-${entry.lastStatus}-${label}`.slice(0, 191), at: now },
    ]);
    await tracking.flag(entry.jobId, label, now);
  }
}

/** Completed jobs the mirror visits: a closure under way is repaired, and a paid job not closing yet starts. */
export class CompletedJobsClosing {
  constructor(private readonly ports: { notificationLog: Pick<NotificationQueries, 'forJobs'>; repair: NotificationRepair; paidClosure: PaidJobsClosure }) {}

  /** How many started closing. */
  async close(completed: readonly number[]): Promise<number> {
    if (completed.length === 0) return 0;
    const closingEntries = await this.ports.notificationLog.forJobs(completed, 'job-closed');
    await this.ports.repair.repair(closingEntries);
    const closing = new Set(closingEntries.map((entry) => entry.jobId));
    return this.ports.paidClosure.closePaid(
      completed.filter((id) => !closing.has(id)),
      'job completed and paid',
    );
  }
}
