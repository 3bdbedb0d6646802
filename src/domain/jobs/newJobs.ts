import { customersForNewJobs } from '../customers/jobCustomers.js';
import type { Customers } from '../customers/ports.js';
import type { JobEventAnnouncer } from '../notifications/jobEvents.js';
import { FINAL_NOTIFICATION_STATES, type JobNotificationEntry, type NotificationQueries } from '../notifications/ports.js';
import type { NotificationRepair } from '../notifications/repair.js';
import type { Clock } from '../shared/ports.js';
import { statusEventKey, toJobDocument, type ClientJob } from './job.js';
import type { JobDocuments, JobTracking, JobTransactions } from './ports.js';

/** What one batch of candidates came to, for the poll's report. */
export interface IntakeCounts {
  ingested: number;
  courtesyQueued: number;
  courtesyImpossible: number;
  repaired: number;
}

export interface JobIngestionPorts {
  customers: Pick<Customers, 'findOrCreateByMobiles' | 'linkJobs'>;
  documents: Pick<JobDocuments, 'createMissing'>;
  transactions: Pick<JobTransactions, 'append'>;
  tracking: Pick<JobTracking, 'track'>;
  /** Queues each job's courtesy message. */
  announcer: JobEventAnnouncer;
  clock: Clock;
}

/** A new client job becomes ours: its customer, its document, its INGEST row, its tracking, its courtesy message. */
export class JobIngestion {
  constructor(private readonly ports: JobIngestionPorts) {}

  async ingest(jobs: readonly ClientJob[]): Promise<{ queued: number; skipped: number }> {
    if (jobs.length === 0) return { queued: 0, skipped: 0 };
    const { customers, documents, transactions, tracking, announcer, clock } = this.ports;
    const now = clock.now();
    // Customers first: a crash after this step finds the same customers again (INSERT IGNORE, then by mobile).
    const customerOf = await customersForNewJobs({ customers, clock }, jobs);
    await documents.createMissing(jobs.map((job) => toJobDocument(job, now, customerOf.get(job.jobId) ?? null)));
    await transactions.append(
      jobs.map((job) => ({
        jobId: job.jobId,
        status: 'NEW',
        note: 'Job ingested from the client system',
        event: 'INGEST' as const,
        eventKey: statusEventKey(job.jobId, 'NEW'),
        at: now,
      })),
    );
    await tracking.track(jobs.map((job) => ({ jobId: job.jobId, status: 'NEW', product: job.productType })), now);
    return announcer.announce('job-received', jobs, customerOf);
  }
}

export interface NewJobsPorts {
  /** A job's courtesy entry is the marker that its ingestion is complete. */
  notificationLog: Pick<NotificationQueries, 'forJobs'>;
  documents: Pick<JobDocuments, 'get'>;
  ingestion: JobIngestion;
  repair: NotificationRepair;
}

/** NEW jobs the poll found: the ones never announced are ingested, the ones a crash left half-way are repaired. */
export class NewJobs {
  constructor(private readonly ports: NewJobsPorts) {}

  async process(candidates: readonly ClientJob[]): Promise<IntakeCounts> {
    const counts: IntakeCounts = { ingested: 0, courtesyQueued: 0, courtesyImpossible: 0, repaired: 0 };
    if (candidates.length === 0) return counts;
    const byId = new Map(candidates.map((job) => [job.jobId, job]));
    const known = await this.ports.notificationLog.forJobs([...byId.keys()], 'job-received');
    const announced = new Set(known.map((entry) => entry.jobId));
    const fresh = [...byId.values()].filter((job) => !announced.has(job.jobId));
    const courtesy = await this.ports.ingestion.ingest(fresh);
    counts.ingested = fresh.length;
    counts.courtesyQueued = courtesy.queued;
    counts.courtesyImpossible = courtesy.skipped;
    counts.repaired = await this.ports.repair.repair(await this.withoutJobsMovedBack(known));
    return counts;
  }

  /**
   * A NEW job whose courtesy SMS is settled is either one a crash stopped half-way (its document is
   * still NEW) or one the client set back to NEW after we opened it. Only the first is repaired;
   * status mirroring flags the second.
   */
  private async withoutJobsMovedBack(entries: JobNotificationEntry[]): Promise<JobNotificationEntry[]> {
    const kept: JobNotificationEntry[] = [];
    for (const entry of entries) {
      const settled = FINAL_NOTIFICATION_STATES.includes(entry.state);
      if (!settled || (await this.ports.documents.get(entry.jobId))?.job_status === 'NEW') kept.push(entry);
    }
    return kept;
  }
}
