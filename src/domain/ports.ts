import type { ClientJob, JobDocument } from './job.js';
import type { JobStatus } from './jobStatus.js';
import type { SmsKind, SmsMessage } from './smsMessage.js';

/** The client's `Jobs` table: read by primary-key ranges only, written only by conditional updates. */
export interface ClientJobs {
  /** Jobs with `Job_id > afterId`, any status, in id order, at most `limit` of them. */
  readJobsAfter(afterId: number, limit: number): Promise<ClientJob[]>;
  /** `NEW` jobs with `fromExclusive < Job_id <= toInclusive`. */
  readNewJobsInRange(fromExclusive: number, toInclusive: number): Promise<ClientJob[]>;
  readJobs(jobIds: readonly number[]): Promise<ClientJob[]>;
  /** Sets the status only if it still is `from`; false when someone else changed it first. */
  moveStatus(jobId: number, from: JobStatus, to: JobStatus): Promise<boolean>;
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
}

export type TransactionEvent = 'INGEST' | 'SMS' | 'STATUS' | 'GET' | 'PUT' | 'PAYMENT' | 'CLOSURE' | 'FLAG' | 'FEEDBACK';

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

export type SmsState =
  | 'queued'
  | 'sending'
  | 'retrying'
  | 'sent'
  | 'rejected'
  | 'failed'
  | 'skipped'
  | 'unknown';

export const FINAL_SMS_STATES: readonly SmsState[] = ['sent', 'rejected', 'failed', 'skipped', 'unknown'];

export interface SmsLogEntry {
  messageKey: string;
  jobId: number;
  kind: SmsKind;
  state: SmsState;
  attempts: number;
  toMasked: string;
  /** phoneLookupKey() of the number, to match a customer's reply; null when there was no usable number. */
  toHash: string | null;
  providerMessageId: string | null;
  price: string | null;
  errorCode: string | null;
  detail: string | null;
  updatedAt: Date;
}

export interface SmsOutcome {
  state: SmsState;
  providerMessageId?: string;
  price?: string;
  errorCode?: string;
  detail?: string;
}

export type SmsRegistration = Pick<SmsLogEntry, 'messageKey' | 'jobId' | 'kind' | 'state' | 'toMasked' | 'toHash' | 'detail'>;

/** Where Vonage's delivery receipts say an SMS is (`status` of the SMS API's DLR webhook). */
export const SMS_DELIVERY_STATUSES = ['accepted', 'buffered', 'delivered', 'expired', 'failed', 'rejected', 'unknown'] as const;
export type SmsDeliveryStatus = (typeof SMS_DELIVERY_STATUSES)[number];

export interface SmsDelivery {
  status: SmsDeliveryStatus;
  /** Vonage's `err-code` ("0" when delivered); null when the receipt had none. */
  errorCode: string | null;
  /** When Vonage reported the SMS delivered; null until it is. */
  deliveredAt: Date | null;
}

export interface SmsLogEntryWithDelivery extends SmsLogEntry {
  delivery: SmsDelivery | null;
}

/** The SMS log: one row per SMS we mean to send, keyed by its idempotency key. */
export interface SmsLog {
  /** Adds the entries that do not exist yet; existing ones keep their state. */
  register(entries: readonly SmsRegistration[]): Promise<void>;
  get(messageKey: string): Promise<SmsLogEntry | undefined>;
  getMany(messageKeys: readonly string[]): Promise<SmsLogEntry[]>;
  /** Moves `queued`/`retrying` to `sending` and counts the attempt; false if another consumer won. */
  claimForSending(messageKey: string, expected: SmsState, attempts: number): Promise<boolean>;
  /** Writes the outcome only if the entry is still in `expected`; false when another writer moved it. */
  record(messageKey: string, expected: SmsState, outcome: SmsOutcome): Promise<boolean>;
  /** The entry with its delivery status. */
  getWithDelivery(messageKey: string): Promise<SmsLogEntryWithDelivery | undefined>;
  /** The entry Vonage knows by this message id, with its delivery status. */
  findByProviderMessageId(providerMessageId: string): Promise<SmsLogEntryWithDelivery | undefined>;
  /** Writes the delivery status only if the stored one still is `expected` (null: none yet); false when another writer moved it. */
  recordDelivery(messageKey: string, expected: SmsDeliveryStatus | null, delivery: SmsDelivery): Promise<boolean>;
  /** The most recently created entry of `kind` in state `sent` to the number with this phoneLookupKey(). */
  latestSentTo(toHash: string, kind: SmsKind): Promise<SmsLogEntry | undefined>;
}

export interface PollCheckpoint {
  /** Highest `Job_id` the forward scan has read. */
  lastJobId: number;
  /** Where the reconciliation sweep below the checkpoint continues. */
  sweepJobId: number;
}

export interface PollCheckpoints {
  read(): Promise<PollCheckpoint>;
  /** `lastJobId` never moves backwards, whatever concurrent pollers write. */
  save(checkpoint: PollCheckpoint): Promise<void>;
}

export interface OutboundSms {
  messageId: string;
  body: SmsMessage;
  scheduledAt?: Date;
}

export interface SmsQueue {
  enqueue(messages: readonly OutboundSms[]): Promise<void>;
}

export interface SmsRequest {
  to: string;
  from: string;
  text: string;
  clientRef: string;
}

export type SmsSendResult =
  | { outcome: 'accepted'; providerMessageId: string; price?: string }
  | { outcome: 'retryable'; errorCode: string; detail: string }
  | { outcome: 'rejected'; errorCode: string; detail: string };

export interface SmsGateway {
  send(request: SmsRequest): Promise<SmsSendResult>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Payment {
  paymentId: string;
  jobId: number;
  /** Exactly 3 decimals, as a string: never a binary float. */
  amount: string;
  currency: string;
  paidAt: Date;
}

export interface Payments {
  /** Records a payment once per `paymentId`; a repeat returns 'duplicate' and changes nothing. */
  record(payment: Payment, receivedAt: Date): Promise<'recorded' | 'duplicate'>;
  get(paymentId: string): Promise<Payment | undefined>;
  forJob(jobId: number): Promise<Payment[]>;
  /** Which of these jobs have at least one recorded payment. */
  paidJobs(jobIds: readonly number[]): Promise<Set<number>>;
}

/** Our last known view of a job's client status, for the jobs still open (not CLOSED). */
export interface TrackedJob {
  jobId: number;
  lastStatus: string;
  /** A status the client set that we refused to mirror (backwards or unknown), so it is flagged once. */
  flaggedStatus: string | null;
}

export interface JobTracking {
  /** Starts tracking these jobs; jobs already tracked keep their state. */
  track(jobs: ReadonlyArray<{ jobId: number; status: string }>): Promise<void>;
  /** Open jobs with `Job_id > afterId`, in id order, at most `limit`. */
  openJobsAfter(afterId: number, limit: number): Promise<TrackedJob[]>;
  /** Moves the tracked status if it still is `expected`; CLOSED stops tracking. */
  advance(jobId: number, expected: string, status: string): Promise<boolean>;
  /** Remembers the client status we refused to mirror, so it is reported once. */
  flag(jobId: number, observed: string): Promise<void>;
}

/** A customer's reply to the feedback SMS, kept once per inbound Vonage message. */
export interface FeedbackReply {
  inboundMessageId: string;
  jobId: number;
  /** 1 to 5, or null when the reply holds no score. */
  score: number | null;
  text: string;
  receivedAt: Date;
}

export interface CustomerFeedback {
  /** Stores a reply once per `inboundMessageId`; a repeat returns 'duplicate' and changes nothing. */
  record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'>;
  get(inboundMessageId: string): Promise<FeedbackReply | undefined>;
  /** The job's replies, oldest first. */
  forJob(jobId: number): Promise<FeedbackReply[]>;
}
