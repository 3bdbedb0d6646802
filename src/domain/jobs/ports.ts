import type { ClientJob, JobDocument } from './job.js';
import type { JobStatus } from './jobStatus.js';

/** The client's `Jobs` table: read by primary-key ranges only, written only by conditional updates. */
export interface ClientJobs {
  /** Jobs with `Job_id > afterId`, any status, in id order, at most `limit` of them. */
  readJobsAfter(afterId: number, limit: number): Promise<ClientJob[]>;
  /** `NEW` jobs with `fromExclusive < Job_id <= toInclusive`. */
  readNewJobsInRange(fromExclusive: number, toInclusive: number): Promise<ClientJob[]>;
  readJobs(jobIds: readonly number[]): Promise<ClientJob[]>;
  /** Sets the status only if it still is `from`; false when someone else changed it first. */
  moveStatus(jobId: number, from: JobStatus, to: JobStatus): Promise<boolean>;
  /**
   * Sets the status of those jobs still at `from` in one conditional update; returns the jobs at
   * `to` afterwards (moved by this call or before it). Jobs elsewhere are left alone.
   */
  moveStatuses(jobIds: readonly number[], from: JobStatus, to: JobStatus): Promise<Set<number>>;
}

export interface JobDocuments {
  /** Creates the documents that do not exist yet; existing ones are left untouched. */
  createMissing(docs: readonly JobDocument[]): Promise<void>;
  get(jobId: number): Promise<JobDocument | undefined>;
  /**
   * Applies `change` to the current document with optimistic concurrency, retrying on a
   * concurrent write; a change that returns its argument writes nothing. Returns the stored
   * document, or undefined when there is none.
   */
  update(jobId: number, change: (doc: JobDocument) => JobDocument): Promise<JobDocument | undefined>;
  /**
   * `update` for many documents at once, each with its own change: the same optimistic
   * concurrency and retries, missing documents skipped.
   */
  updateMany(changes: ReadonlyMap<number, (doc: JobDocument) => JobDocument>): Promise<void>;
}

export type TransactionEvent = 'INGEST' | 'SMS' | 'STATUS' | 'GET' | 'PUT' | 'PAYMENT' | 'REFUND' | 'CLOSURE' | 'FLAG' | 'FEEDBACK' | 'REWARD';

/** One `job_trans` row. `eventKey` is unique, so writing the same event again adds nothing. */
export interface JobTransaction {
  jobId: number;
  status: JobStatus | string;
  note: string;
  event: TransactionEvent;
  eventKey: string;
  at: Date;
}

export interface JobTransactions {
  append(rows: readonly JobTransaction[]): Promise<void>;
  /** The job's rows, oldest first. */
  history(jobId: number): Promise<JobTransaction[]>;
}

export interface PollCheckpoint {
  /** Highest `Job_id` the forward scan has read. */
  lastJobId: number;
  /** Where the reconciliation sweep below the checkpoint continues. */
  sweepJobId: number;
  /** Where status mirroring continues: the last open job it visited (0: from the first open job). */
  mirrorJobId: number;
}

export interface PollCheckpoints {
  read(): Promise<PollCheckpoint>;
  /** `lastJobId` never moves backwards, whatever concurrent pollers write; the cursors are the last writer's. */
  save(checkpoint: PollCheckpoint): Promise<void>;
}

/** Our last known view of a job's client status, for the jobs still open (not CLOSED). */
export interface TrackedJob {
  jobId: number;
  lastStatus: string;
  /** A status the client set that we refused to mirror (backwards or unknown), so it is flagged once. */
  flaggedStatus: string | null;
}

export interface JobTracking {
  /** Starts tracking these jobs (with the product the console's list shows); jobs already tracked keep their state. */
  track(jobs: ReadonlyArray<{ jobId: number; status: string; product?: string | null }>): Promise<void>;
  /** Open jobs with `Job_id > afterId`, in id order, at most `limit`. */
  openJobsAfter(afterId: number, limit: number): Promise<TrackedJob[]>;
  /** Moves the tracked status if it still is `expected`; CLOSED stops tracking. */
  advance(jobId: number, expected: string, status: string): Promise<boolean>;
  /** `advance` for many jobs with the same expected status; returns how many moved. */
  advanceMany(jobIds: readonly number[], expected: string, status: string): Promise<number>;
  /** Remembers the client status we refused to mirror, so it is reported once. */
  flag(jobId: number, observed: string): Promise<void>;
}

